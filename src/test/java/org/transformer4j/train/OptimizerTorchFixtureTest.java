package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.testing.Approx;

/**
 * Replays the gradients and learning rates of src/test/resources/fixtures/optim/trajectories.safetensors
 * (tools/make_optimizer_fixtures.py, torch 1.13) and compares the parameters after every step, within 1e-6
 * relative to the largest reference value of each tensor.
 */
class OptimizerTorchFixtureTest {
    private static final double TOL = 1e-6;
    private static final List<String> NAMES = List.of("w", "b", "v", "u");
    private static SafeTensorsFile file;

    @BeforeAll
    static void open() throws IOException {
        file = SafeTensorsFile.open(Path.of("src/test/resources/fixtures/optim/trajectories.safetensors"));
    }

    @AfterAll
    static void close() {
        file.close();
    }

    /** The same cases as the script's CASES. */
    private static Optimizer build(String c, Map<String, Variable> p) {
        SgdSettings sgd = new SgdSettings(0.9, false, 0.01);
        AdamSettings adam = new AdamSettings(0.9, 0.98, 1e-9, 0);
        return switch (c) {
            case "sgd" -> Sgd.of(p, sgd);
            case "sgd_nesterov" -> Sgd.of(p, sgd.withNesterov(true));
            case "adam" -> Adam.of(p, adam);
            case "adam_l2" -> Adam.of(p, adam.withWeightDecay(0.01));
            case "adamw" -> new AdamW(List.of(
                    ParameterGroup.of("decay", Map.of("w", p.get("w"), "v", p.get("v"), "u", p.get("u"))),
                    ParameterGroup.of("no_decay", Map.of("b", p.get("b"))).withDecay(false).withLrScale(0.5)),
                    new AdamSettings(0.9, 0.999, 1e-8, 0.1));
            default -> throw new IllegalArgumentException(c);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd_nesterov", "adam", "adam_l2", "adamw"})
    void matchesTorchAfterEveryStep(String c) {
        replay(c, p -> build(c, p));
    }

    /** A checkpoint mid-run (state, then loadState into a fresh optimizer) must not change the trajectory. */
    @ParameterizedTest
    @ValueSource(strings = {"sgd_nesterov", "adamw"})
    void resumingFromStateAfterTwoStepsStaysOnTrajectory(String c) {
        Map<String, Variable> params = initial();
        Optimizer first = build(c, params);
        float[] lr = file.load("lr").toArray();
        int steps = Integer.parseInt(file.metadata().get("steps"));
        for (int step = 1; step <= steps; step++) {
            if (step == 3) {
                OptimizerState saved = first.state();
                first = build(c, params);
                first.loadState(saved);
            }
            setGrads(params, step);
            first.step(lr[step - 1]);
            check(c, params, step);
        }
    }

    private void replay(String c, Function<Map<String, Variable>, Optimizer> make) {
        Map<String, Variable> params = initial();
        Optimizer opt = make.apply(params);
        float[] lr = file.load("lr").toArray();
        int steps = Integer.parseInt(file.metadata().get("steps"));
        assertEquals(lr.length, steps);
        for (int step = 1; step <= steps; step++) {
            setGrads(params, step);
            opt.step(lr[step - 1]);
            check(c, params, step);
        }
    }

    private static Map<String, Variable> initial() {
        Map<String, Variable> params = new LinkedHashMap<>();
        for (String n : NAMES) {
            params.put(n, Variable.parameter(file.load("init." + n)));
        }
        return params;
    }

    private static void setGrads(Map<String, Variable> params, int step) {
        params.forEach((n, v) -> {
            String key = "grad." + step + "." + n;
            v.setGrad(file.contains(key) ? file.load(key) : null);
        });
    }

    private static void check(String c, Map<String, Variable> params, int step) {
        params.forEach((n, v) -> Approx.assertMatches(c + " step " + step + " " + n,
                file.load(c + "." + step + "." + n), v.value(), TOL));
    }
}

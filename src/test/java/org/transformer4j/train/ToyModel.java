package org.transformer4j.train;

import java.util.Map;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * A model-shaped set of parameters (a matrix, a bias, a norm gain and a tied alias) for checkpoint tests, and
 * the deterministic "training" the crash test replays: step k applies gradients drawn from the data RNG.
 */
final class ToyModel extends Module {
    static final int ROWS = 192;
    static final int COLS = 96;

    ToyModel(long seed) {
        Rng rng = new Rng(seed);
        Variable embed = parameter("embed", Tensor.randn(rng, 0f, 0.02f, ROWS, COLS));
        parameter("proj", Tensor.randn(rng, 0f, 0.02f, COLS, COLS));
        parameter("proj_bias", Tensor.zeros(COLS));
        parameter("norm_gain", Tensor.ones(COLS));
        tie("head", embed);
    }

    static AdamW optimizer(ToyModel m) {
        return AdamW.of(m.namedParameters(), AdamSettings.adamW().withWeightDecay(0.1));
    }

    static LearningRateSchedule schedule() {
        return Schedules.warmupCosine(1e-2, 5, 10_000, 1e-4);
    }

    /** One training step: gradients from {@code data}, then the optimizer at the schedule's rate. */
    static void trainStep(ToyModel m, Optimizer opt, Rng data, long step) {
        opt.zeroGrad();
        for (Variable v : m.parameters()) {
            v.setGrad(Tensor.randn(data, 0f, 1f, v.shape()));
        }
        opt.step(schedule().at(step));
    }

    static TrainingState state(long step, Rng data) {
        return new TrainingState(step, schedule().name(), Map.of("data", data.state(), "dropout", ~step),
                Map.of("epoch", step / 7, "batch", step % 7), Map.of("note", "toy \"run\" ✓"), "{\"toy\": true}");
    }
}

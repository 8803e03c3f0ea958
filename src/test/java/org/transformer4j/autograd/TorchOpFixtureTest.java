package org.transformer4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.transformer4j.io.Json;
import org.transformer4j.testing.Approx;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Tensor;

/**
 * Every op and its gradient against PyTorch: src/test/resources/fixtures/ops.safetensors, written by
 * tools/make_op_fixtures.py (reference computed in float64 from float32 inputs). Each case runs on the
 * scalar reference and on the Vector API kernels. Tolerance: 1e-5 relative to the reference's largest
 * magnitude (1e-4 for reductions over more than 1000 elements), as recorded per case in the file.
 */
class TorchOpFixtureTest {
    private static SafeTensorsFile file;
    private static List<Map<String, Object>> cases;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void open() throws Exception {
        file = SafeTensorsFile.open(Path.of("src/test/resources/fixtures/ops.safetensors"));
        cases = (List<Map<String, Object>>) Json.parse(file.metadata().get("cases"));
    }

    @AfterAll
    static void close() {
        file.close();
    }

    @Test
    void theFixtureCoversEveryOp() {
        List<String> ops = cases.stream().map(c -> (String) c.get("op")).distinct().toList();
        for (String op : List.of("add", "sub", "mul", "div", "pow", "pow_scalar", "neg", "exp", "log", "sqrt", "rsqrt",
                "tanh", "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "sum", "mean", "amax", "amin", "argmax", "var",
                "matmul", "softmax", "log_softmax", "layer_norm", "rms_norm", "embedding", "concat", "split", "stack",
                "where", "masked_fill", "cross_entropy")) {
            assertTrue(ops.contains(op), "no fixture case for " + op);
        }
        assertTrue(cases.size() >= 100, "cases: " + cases.size());
    }

    @TestFactory
    Stream<DynamicTest> scalarKernelsMatchPyTorch() {
        return tests(Kernels.scalar());
    }

    @TestFactory
    Stream<DynamicTest> vectorKernelsMatchPyTorch() {
        return tests(Kernels.vector());
    }

    private Stream<DynamicTest> tests(Kernels kernels) {
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> run(c, kernels)));
    }

    @SuppressWarnings("unchecked")
    private static void run(Map<String, Object> c, Kernels k) {
        String name = (String) c.get("name");
        List<String> inputNames = (List<String>) c.get("inputs");
        List<String> intInputs = (List<String>) c.get("int_inputs");
        List<String> gradNames = (List<String>) c.get("grads");
        List<String> outputNames = (List<String>) c.get("outputs");
        Map<String, Object> args = (Map<String, Object>) c.get("args");
        double tol = ((Number) c.get("tol")).doubleValue();

        List<Variable> floats = new ArrayList<>();
        List<int[]> ints = new ArrayList<>();
        List<int[]> intShapes = new ArrayList<>();
        List<Variable> inputs = new ArrayList<>();
        for (String in : inputNames) {
            if (intInputs.contains(in)) {
                ints.add(file.loadInts(name + "." + in));
                intShapes.add(file.entry(name + "." + in).intShape());
                inputs.add(null);
            } else {
                Variable v = Variable.leaf(file.load(name + "." + in, k), gradNames.contains(in));
                floats.add(v);
                inputs.add(v);
            }
        }
        Variable[] outs = FixtureOps.apply((String) c.get("op"), floats, ints, intShapes, args);
        assertEquals(outputNames.size(), outs.length, name + ": outputs");
        for (int i = 0; i < outs.length; i++) {
            Tensor expected = file.load(name + "." + outputNames.get(i), k);
            Approx.assertMatches(name + " output " + outputNames.get(i), expected, outs[i].value(), tol);
        }
        if (gradNames.isEmpty()) {
            return;
        }
        // One backward through the sum of <output, upstream gradient> over all outputs.
        Variable total = null;
        for (int i = 0; i < outs.length; i++) {
            Variable g = Variable.constant(file.load(name + ".g_" + outputNames.get(i), k));
            Variable term = outs[i].mul(g).sum();
            total = total == null ? term : total.add(term);
        }
        total.backward();
        for (int i = 0; i < inputNames.size(); i++) {
            String in = inputNames.get(i);
            if (!gradNames.contains(in)) {
                continue;
            }
            Tensor got = inputs.get(i).grad();
            assertNotNull(got, name + ": no gradient for " + in);
            Approx.assertMatches(name + " gradient of " + in, file.load(name + ".grad_" + in, k), got, tol);
        }
    }
}

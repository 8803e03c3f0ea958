package org.transformer4j.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.UnaryOp;

/** Finite-difference gradient checks for every differentiable op, with broadcasting, size-1 dims and views. */
class GradCheckTest {
    private static final double TOLERANCE = 2e-3;

    private record Case(String name, Function<Variable[], Variable> f, Tensor... inputs) {
    }

    private static Tensor rand(long seed, int... shape) {
        return Tensor.rand(new Rng(seed), -1f, 1f, shape);
    }

    /** Values in [0.5, 2): for logs, roots, powers and denominators. */
    private static Tensor positive(long seed, int... shape) {
        return Tensor.rand(new Rng(seed), 0.5f, 2f, shape);
    }

    /** Values at least 0.2 away from 0: for ops with a kink at 0. */
    private static Tensor awayFromZero(long seed, int... shape) {
        float[] v = rand(seed, shape).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.copySign(0.2f + Math.abs(v[i]), v[i]);
        }
        return Tensor.of(v, shape);
    }

    /** Distinct values spaced 0.1 apart in a shuffled order: for max and min. */
    private static Tensor distinct(long seed, int... shape) {
        int n = Tensor.zeros(shape).size();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.1f * i - 0.05f * n;
        }
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // Elementwise with broadcasting and size-1 dims.
        c.add(new Case("add broadcast (3,1,4)+(2,4)", v -> v[0].add(v[1]), rand(1, 3, 1, 4), rand(2, 2, 4)));
        c.add(new Case("add rank-0", v -> v[0].add(v[1]), rand(3, 2, 3), rand(4)));
        c.add(new Case("sub (4,1)-(1,5)", v -> v[0].sub(v[1]), rand(5, 4, 1), rand(6, 1, 5)));
        c.add(new Case("mul (2,1,3)*(1,4,1)", v -> v[0].mul(v[1]), rand(7, 2, 1, 3), rand(8, 1, 4, 1)));
        c.add(new Case("div (3,4)/(4)", v -> v[0].div(v[1]), rand(9, 3, 4), positive(10, 4)));
        c.add(new Case("pow tensor", v -> v[0].pow(v[1]), positive(11, 3, 2), rand(12, 3, 1)));
        c.add(new Case("pow scalar", v -> v[0].pow(2.5f), positive(13, 4, 2)));
        c.add(new Case("add and mul constants", v -> v[0].add(3f).mul(-0.5f), rand(14, 5)));
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = switch (op) {
                case LOG, SQRT, RSQRT -> positive(20 + op.ordinal(), 3, 5);
                case RELU, ABS -> awayFromZero(20 + op.ordinal(), 3, 5);
                default -> rand(20 + op.ordinal(), 3, 5).mul(2f);
            };
            c.add(new Case("unary " + op, v -> ElementwiseFunctions.unary(op, v[0]), in));
            c.add(new Case("unary " + op + " on a transposed view",
                    v -> ElementwiseFunctions.unary(op, v[0].transpose(0, 1)), in));
        }
        // Non-contiguous views as operands.
        c.add(new Case("transposed operand", v -> v[0].transpose(0, 1).mul(v[1]), rand(40, 4, 3), rand(41, 3, 4)));
        c.add(new Case("narrowed operand", v -> v[0].narrow(1, 1, 2).add(v[1]), rand(42, 3, 4), rand(43, 3, 2)));
        // The backward pass adds slices' gradients into one accumulator in place (a fused q/k/v projection's three).
        c.add(new Case("three slices of one tensor (q, k, v)",
                v -> v[0].narrow(2, 0, 2).mul(v[0].narrow(2, 2, 2)).add(v[0].narrow(2, 4, 2).tanh()),
                rand(142, 2, 3, 6)));
        c.add(new Case("overlapping slices, the whole and a second use",
                v -> v[0].narrow(0, 0, 3).mul(v[0].narrow(0, 1, 3)).add(v[0].narrow(0, 1, 3)).add(v[0].narrow(0, 0, 3)
                        .tanh()).add(v[0].sigmoid().narrow(0, 1, 3)), rand(143, 4, 5)));
        // An accumulated sum handed on by an add's backward to both its inputs, one of which then gets more.
        // (The order of the terms makes the backward pass reach w before p's other consumer and q's.)
        c.add(new Case("a summed gradient shared by two inputs", v -> {
            Variable p = v[0].tanh();
            Variable q = v[0].sigmoid();
            Variable w = p.add(q);
            return q.mul(v[1]).add(p.mul(p)).add(w.mul(w));
        }, rand(145, 3, 4), rand(146, 3, 4)));
        c.add(new Case("a slice of a tensor used three more times",
                v -> v[0].tanh().add(v[0].sigmoid()).add(v[0].mul(v[0])).narrow(1, 1, 3).add(v[0].narrow(1, 0, 3)),
                rand(144, 3, 5)));
        c.add(new Case("expanded operand", v -> v[0].expand(3, 4).mul(v[1]), rand(44, 1, 4), rand(45, 3, 4)));
        c.add(new Case("permuted 3-D", v -> v[0].permute(2, 0, 1).sub(v[1]), rand(46, 2, 3, 4), rand(47, 4, 1, 3)));
        c.add(new Case("slice, select, squeeze, unsqueeze",
                v -> v[0].slice(0, 1, -1).select(1, 2).unsqueeze(0).mul(v[1]).squeeze(0), rand(48, 5, 3), rand(49, 1, 3)));
        c.add(new Case("reshape of a transpose", v -> v[0].transpose(0, 1).reshape(2, 6).tanh(), rand(50, 3, 4)));
        c.add(new Case("contiguous", v -> v[0].transpose(0, 1).contiguous().mul(v[0].transpose(0, 1)), rand(51, 2, 3)));
        // Reductions.
        c.add(new Case("sum all", v -> v[0].mul(v[0]).sum(), rand(60, 3, 4)));
        c.add(new Case("sum axis 0", v -> v[0].sum(false, 0).mul(v[0].sum(false, 0)), rand(61, 3, 4)));
        c.add(new Case("sum axes 0,2 keepdim", v -> v[0].sum(true, 0, 2).tanh(), rand(62, 2, 3, 4)));
        c.add(new Case("mean axis -1", v -> v[0].mean(false, -1).exp(), rand(63, 3, 5)));
        c.add(new Case("mean of a transposed view", v -> v[0].transpose(0, 1).mean(true, 1).tanh(), rand(64, 3, 5)));
        c.add(new Case("var unbiased", v -> v[0].var(1, false, 1), rand(65, 3, 5)));
        c.add(new Case("var population keepdim", v -> v[0].var(0, true, 0, 1), rand(66, 2, 3, 2)));
        c.add(new Case("amax axis 1", v -> v[0].max(false, 1), distinct(67, 3, 4)));
        c.add(new Case("amin all", v -> v[0].min(true), distinct(68, 2, 3)));
        // Matrices.
        c.add(new Case("matmul 2-D", v -> v[0].matmul(v[1]), rand(70, 3, 4), rand(71, 4, 5)));
        c.add(new Case("matmul broadcast batch", v -> v[0].matmul(v[1]), rand(72, 2, 1, 3, 4), rand(73, 5, 4, 2)));
        c.add(new Case("matmul 1-D @ 2-D", v -> v[0].matmul(v[1]), rand(74, 4), rand(75, 4, 3)));
        c.add(new Case("matmul 2-D @ 1-D", v -> v[0].matmul(v[1]), rand(76, 3, 4), rand(77, 4)));
        c.add(new Case("matmul 1-D @ 1-D", v -> v[0].matmul(v[1]), rand(78, 4), rand(79, 4)));
        c.add(new Case("matmul transposed views", v -> v[0].transpose(0, 1).matmul(v[1].transpose(-1, -2)),
                rand(80, 4, 3), rand(81, 2, 5, 4)));
        c.add(new Case("matmul by a transposed weight (Linear, a tied LM head)",
                v -> v[0].matmul(v[1].transpose(0, 1)), rand(140, 3, 4), rand(141, 6, 4)));
        c.add(new Case("softmax last axis", v -> v[0].softmax(-1), rand(82, 3, 5).mul(3f)));
        c.add(new Case("softmax axis 0", v -> v[0].softmax(0), rand(83, 4, 3).mul(3f)));
        c.add(new Case("log-softmax middle axis", v -> v[0].logSoftmax(1), rand(84, 2, 4, 3).mul(3f)));
        c.add(new Case("layer norm affine", v -> Functions.layerNorm(v[0], 1, v[1], v[2], 1e-5f),
                rand(85, 3, 6).mul(2f), rand(86, 6), rand(87, 6)));
        c.add(new Case("layer norm over 2 dims, no affine", v -> Functions.layerNorm(v[0], 2, null, null, 1e-5f),
                rand(88, 2, 3, 4).mul(2f)));
        c.add(new Case("layer norm on a transposed view", v -> Functions.layerNorm(v[0].transpose(0, 1), 1, v[1], null, 1e-5f),
                rand(89, 5, 3), rand(90, 5)));
        c.add(new Case("rms norm", v -> Functions.rmsNorm(v[0], 1, v[1], 1e-6f), rand(91, 3, 6), rand(92, 6)));
        c.add(new Case("rms norm no weight", v -> Functions.rmsNorm(v[0], 2, null, 1e-6f), rand(93, 2, 2, 3)));
        // Gather, join, split.
        c.add(new Case("embedding with repeated ids",
                v -> Functions.embedding(v[0], new int[] {2, 0, 2, 4, 1, 2}, 2, 3).mul(v[1]), rand(94, 5, 3), rand(95, 2, 3, 3)));
        c.add(new Case("concat", v -> Functions.concat(1, v[0], v[1].tanh(), v[0]), rand(96, 2, 3), rand(97, 2, 2)));
        c.add(new Case("split", v -> {
            Variable[] p = Functions.split(v[0], 0, 1, 3);
            return Functions.concat(0, p[1], p[0].mul(2f));
        }, rand(98, 4, 2)));
        c.add(new Case("stack", v -> Functions.stack(-1, v[0], v[1].exp()), rand(99, 2, 3), rand(100, 2, 3)));
        Tensor cond = Tensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3);
        c.add(new Case("where broadcast", v -> Variable.where(cond, v[0], v[1]), rand(101, 2, 3), rand(102, 1, 3)));
        Tensor mask = Tensor.of(new float[] {0, 1, 0}, 1, 3);
        c.add(new Case("masked fill", v -> v[0].maskedFill(mask, -5f).softmax(-1), rand(103, 2, 3)));
        c.add(new Case("cross-entropy", v -> Functions.crossEntropy(v[0], new int[] {1, -100, 3, 0}, -100, 0f),
                rand(104, 4, 5).mul(2f)));
        c.add(new Case("cross-entropy smoothed, ignore 0", v -> Functions.crossEntropy(v[0], new int[] {1, 0, 4}, 0, 0.1f),
                rand(105, 3, 5).mul(2f)));
        c.add(new Case("dropout (fixed seed)", v -> v[0].dropout(0.3f, new Rng(7)).mul(v[0]), rand(106, 4, 5)));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyOpMatchesFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> GradCheck.check(c.f(), c.inputs()).assertWithin(TOLERANCE)));
    }

    @Test
    void theCheckerCatchesAWrongGradient() {
        // sin-like op with a deliberately wrong backward: tanh forward, sigmoid-derivative backward.
        Function<Variable[], Variable> wrong = v -> Variable.record("bad", v[0].value().tanh(),
                g -> new Tensor[] {org.transformer4j.tensor.Elementwise.unaryBackward(UnaryOp.SIGMOID, v[0].value(), g)},
                v[0]);
        GradCheck.Result r = GradCheck.check(wrong, rand(200, 3, 4));
        assertTrue(r.error() > 0.05, "error " + r.error());
        assertThrows(AssertionError.class, () -> r.assertWithin(TOLERANCE));
    }
}

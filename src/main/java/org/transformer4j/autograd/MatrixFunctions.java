package org.transformer4j.autograd;

import static org.transformer4j.autograd.ElementwiseFunctions.sumTo;
import static org.transformer4j.autograd.Variable.record;

import org.transformer4j.tensor.RowOps;
import org.transformer4j.tensor.Tensor;

/** Matrix product, softmax and normalisations with their backward passes. */
final class MatrixFunctions {
    private MatrixFunctions() {
    }

    /** torch.matmul semantics; 1-D operands become matrices through differentiable views. */
    static Variable matmul(Variable a, Variable b) {
        if (a.rank() == 1 || b.rank() == 1) {
            if (a.rank() == 0 || b.rank() == 0) {
                a.value().matmul(b.value()); // throws with the tensor's message
            }
            Variable a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
            Variable b2 = b.rank() == 1 ? b.unsqueeze(-1) : b;
            Variable out = matmul(a2, b2);
            if (b.rank() == 1) {
                out = out.squeeze(-1);
            }
            return a.rank() == 1 ? out.squeeze(a.rank() == 1 && b.rank() == 1 ? -1 : -2) : out;
        }
        Tensor av = a.value();
        Tensor bv = b.value();
        return record("matmul", av.matmul(bv), g -> new Tensor[] {
            a.requiresGrad() ? sumTo(g.matmul(bv.transpose(-1, -2)), av.shape()) : null,
            b.requiresGrad() ? weightGrad(av, bv, g) : null}, a, b);
    }

    /**
     * The gradient of b in a b. When b is a transposed view of a contiguous matrix (Linear's W^T), it is computed
     * as (g^T a)^T, so that the transpose's backward yields W's gradient contiguous and nothing is copied before
     * it accumulates. Each element is the same chain of products over the same rows, so the values are the same.
     * Also for the tied LM head's 50257 columns: its GEMM is ~4% slower that way round (291 vs 304 GFLOP/s in a
     * probe), but the embedding's gradient then adds to a contiguous matrix instead of a transposed view (a 154 MB
     * add, 92 ms strided against 45: TrainingOpsBench).
     */
    private static Tensor weightGrad(Tensor av, Tensor bv, Tensor g) {
        int[] st = bv.strides();
        if (av.rank() == 2 && bv.rank() == 2 && g.rank() == 2 && st[0] == 1 && st[1] == bv.dim(0) && bv.dim(0) > 1
                && bv.dim(1) > 1 && av.dim(0) > 1) {
            return g.transpose(0, 1).matmul(av).transpose(0, 1);                       // (k, n) view of (n, k)
        }
        return sumTo(av.transpose(-1, -2).matmul(g), bv.shape());
    }

    static Variable softmax(Variable x, int axis, boolean log) {
        Tensor y = RowOps.softmax(x.value(), axis, log);
        return record(log ? "log_softmax" : "softmax", y,
                g -> new Tensor[] {RowOps.softmaxBackward(y, g, axis, log)}, x);
    }

    static Variable layerNorm(Variable x, int normalizedDims, Variable weight, Variable bias, float eps) {
        Tensor w = weight == null ? null : weight.value();
        RowOps.NormOutput fwd = RowOps.layerNorm(x.value(), normalizedDims, w, bias == null ? null : bias.value(), eps);
        Backward bw = g -> {
            Tensor[] grads = RowOps.layerNormBackward(x.value(), normalizedDims, w, bias != null, fwd, g);
            if (weight == null) {
                return bias == null ? new Tensor[] {grads[0]} : new Tensor[] {grads[0], grads[2]};
            }
            return bias == null ? new Tensor[] {grads[0], grads[1]} : grads;
        };
        return record("layer_norm", fwd.y(), bw, present(x, weight, bias));
    }

    static Variable rmsNorm(Variable x, int normalizedDims, Variable weight, float eps) {
        Tensor w = weight == null ? null : weight.value();
        RowOps.NormOutput fwd = RowOps.rmsNorm(x.value(), normalizedDims, w, eps);
        Backward bw = g -> {
            Tensor[] grads = RowOps.rmsNormBackward(x.value(), normalizedDims, w, fwd, g);
            return weight == null ? new Tensor[] {grads[0]} : grads;
        };
        return record("rms_norm", fwd.y(), bw, present(x, weight, null));
    }

    private static Variable[] present(Variable x, Variable w, Variable b) {
        if (w == null) {
            return b == null ? new Variable[] {x} : new Variable[] {x, b};
        }
        return b == null ? new Variable[] {x, w} : new Variable[] {x, w, b};
    }
}

package org.transformer4j.autograd;

import static org.transformer4j.autograd.Variable.record;

import java.util.Arrays;
import org.transformer4j.tensor.Indexing;
import org.transformer4j.tensor.Losses;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * Differentiable ops that are not methods of one variable: normalisations, embedding lookup, joining
 * and splitting, and the cross-entropy loss.
 */
public final class Functions {
    private Functions() {
    }

    /** Layer norm over the last normalizedDims dimensions; weight and bias may be null. */
    public static Variable layerNorm(Variable x, int normalizedDims, Variable weight, Variable bias, float eps) {
        return MatrixFunctions.layerNorm(x, normalizedDims, weight, bias, eps);
    }

    /** RMS norm over the last normalizedDims dimensions; weight may be null. */
    public static Variable rmsNorm(Variable x, int normalizedDims, Variable weight, float eps) {
        return MatrixFunctions.rmsNorm(x, normalizedDims, weight, eps);
    }

    /** Rows of a (vocab, dim) table for ids of shape idShape; the result has shape idShape + (dim). */
    public static Variable embedding(Variable weight, int[] ids, int... idShape) {
        Tensor out = Indexing.embedding(weight.value(), ids, idShape);
        int[] tableShape = weight.shape();
        int[] idsCopy = ids.clone();
        return record("embedding", out, g -> new Tensor[] {Indexing.embeddingBackward(tableShape, g, idsCopy)}, weight);
    }

    /** Joins variables along an existing axis. */
    public static Variable concat(int axis, Variable... parts) {
        Tensor[] values = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].value();
        }
        Tensor out = Indexing.concat(axis, values);
        int a = Shapes.axis(axis, out.rank(), out.shape());
        return record("concat", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            int start = 0;
            for (int i = 0; i < parts.length; i++) {
                int len = values[i].dim(a);
                grads[i] = parts[i].requiresGrad() ? g.narrow(a, start, len) : null;
                start += len;
            }
            return grads;
        }, parts);
    }

    /** Consecutive pieces of the given sizes along an axis. */
    public static Variable[] split(Variable x, int axis, int... sizes) {
        Indexing.split(x.value(), axis, sizes); // validates sizes with the tensor's message
        Variable[] out = new Variable[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.narrow(axis, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    /** Joins variables of equal shape along a new axis. */
    public static Variable stack(int axis, Variable... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack needs at least one variable");
        }
        int a = Shapes.axis(axis, parts[0].rank() + 1, parts[0].shape());
        Variable[] un = new Variable[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.str(parts[0].shape()) + " and "
                        + Shapes.str(parts[i].shape()) + " differ");
            }
            un[i] = parts[i].unsqueeze(a);
        }
        return concat(a, un);
    }

    /**
     * Mean cross-entropy of (N, C) logits against N targets, ignoring targets equal to ignoreIndex,
     * with label smoothing as torch.nn.functional.cross_entropy.
     */
    public static Variable crossEntropy(Variable logits, int[] targets, int ignoreIndex, float smoothing) {
        Tensor out = Losses.crossEntropy(logits.value(), targets, ignoreIndex, smoothing);
        int[] t = targets.clone();
        int counted = Losses.counted(t, ignoreIndex);
        return record("cross_entropy", out, g -> {
            float[] scale = new float[t.length];
            Arrays.fill(scale, g.item() / counted);
            return new Tensor[] {Losses.crossEntropyBackward(logits.value(), t, ignoreIndex, smoothing, scale)};
        }, logits);
    }
}

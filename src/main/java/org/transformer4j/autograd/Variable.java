package org.transformer4j.autograd;

import java.util.Arrays;
import java.util.List;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.UnaryOp;

/**
 * A tensor that remembers how it was computed, for reverse-mode differentiation (define-by-run):
 * every op records its inputs and a backward function beside its forward result.
 *
 * <pre>{@code
 * Variable w = Variable.parameter(Tensor.randn(rng, 0, 0.02f, 4, 3));
 * Variable loss = x.matmul(w).relu().sum();
 * loss.backward();            // w.grad() now holds d loss / d w
 * }</pre>
 *
 * Gradients accumulate in leaves until {@link #zeroGrad()}; the graph is released after backward.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private Node node;          // how this was computed; null for leaves and after release
    private boolean released;   // the graph through this variable was freed by backward()
    private Tensor grad;
    private String name;        // a human name for figures ("Q", "positional encoding"); null if none

    /** The op that produced a variable: its name, inputs and backward function. */
    record Node(String op, Variable[] inputs, Backward backward) {
    }

    private Variable(Tensor value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A leaf that gradients flow into (a parameter). */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null);
    }

    /** A leaf that needs no gradient (data, masks). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null);
    }

    /** A named constant (figures show the name, e.g. "positional encoding"). */
    public static Variable constant(Tensor value, String name) {
        return constant(value).named(name);
    }

    /** A leaf with an explicit choice. */
    public static Variable leaf(Tensor value, boolean requiresGrad) {
        return new Variable(value, requiresGrad, null);
    }

    /**
     * Records the result of an op: when recording is on and an input needs a gradient, the result
     * remembers its inputs and backward function; observers see the op in every case.
     */
    static Variable record(String op, Tensor out, Backward backward, Variable... inputs) {
        boolean needs = false;
        if (Grad.isEnabled()) {
            for (Variable v : inputs) {
                needs |= v.requiresGrad;
            }
        }
        Variable result = new Variable(out, needs, needs ? new Node(op, inputs, backward) : null);
        OpObserver observer = Grad.observer();
        if (observer != null) {
            observer.onOp(op, List.of(inputs), result);
        }
        return result;
    }

    // ---------------------------------------------------------------- state

    /** The computed value. */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient of a leaf, or null before any backward pass reached it. */
    public Tensor grad() {
        return grad;
    }

    /** Whether gradients flow to or through this variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this variable was created directly rather than by a recorded op. */
    public boolean isLeaf() {
        return node == null && !released;
    }

    /** The name of the op that produced this variable, or null for a leaf. */
    public String op() {
        return node == null ? null : node.op();
    }

    /**
     * Gives this value a human name that figures use for it and for the op that produced it ("Q", "K",
     * "V", "scores"); returns this. Names change nothing in the computation.
     */
    public Variable named(String label) {
        this.name = label;
        return this;
    }

    /** The name given by {@link #named}, or null. */
    public String name() {
        return name;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Replaces the accumulated gradient (used by optimizers and gradient clipping). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalArgumentException("gradient shape " + Shapes.str(g.shape()) + " does not match value shape "
                    + Shapes.str(value.shape()));
        }
        grad = g;
    }

    /** The same value cut off from the graph. */
    public Variable detach() {
        return constant(value);
    }

    /** The shape of the value. */
    public int[] shape() {
        return value.shape();
    }

    /** The size of one dimension of the value (negative axes count from the end). */
    public int dim(int axis) {
        return value.dim(axis);
    }

    /** The number of dimensions of the value. */
    public int rank() {
        return value.rank();
    }

    Node node() {
        return node;
    }

    void release() {
        node = null;
        released = true;
    }

    boolean isReleased() {
        return released;
    }

    void accumulate(Tensor g) {
        Tensor dense = g.contiguous();
        grad = grad == null ? dense : grad.add(dense);
    }

    @Override
    public String toString() {
        return "Variable" + Shapes.str(value.shape()) + (node != null ? " <- " + node.op() : "")
                + (requiresGrad ? " requiresGrad" : "");
    }

    // ---------------------------------------------------------------- backward

    /** Backpropagates from a one-element variable (seed 1). */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward() without a gradient needs a one-element output, shape is "
                    + Shapes.str(value.shape()) + "; pass the output gradient explicitly");
        }
        backward(Tensor.full(1f, value.shape()).withKernels(value.kernels()));
    }

    /** Backpropagates the given gradient of this variable through the recorded graph, then releases it. */
    public void backward(Tensor gradOutput) {
        BackwardPass.run(this, gradOutput);
    }

    // ---------------------------------------------------------------- elementwise

    public Variable add(Variable o) {
        return ElementwiseFunctions.add(this, o);
    }

    public Variable sub(Variable o) {
        return ElementwiseFunctions.sub(this, o);
    }

    public Variable mul(Variable o) {
        return ElementwiseFunctions.mul(this, o);
    }

    public Variable div(Variable o) {
        return ElementwiseFunctions.div(this, o);
    }

    public Variable pow(Variable o) {
        return ElementwiseFunctions.pow(this, o);
    }

    public Variable add(float c) {
        return add(constant(value.constant(c)));
    }

    public Variable mul(float c) {
        return mul(constant(value.constant(c)));
    }

    public Variable pow(float c) {
        return pow(constant(value.constant(c)));
    }

    public Variable neg() {
        return ElementwiseFunctions.unary(UnaryOp.NEG, this);
    }

    public Variable exp() {
        return ElementwiseFunctions.unary(UnaryOp.EXP, this);
    }

    public Variable log() {
        return ElementwiseFunctions.unary(UnaryOp.LOG, this);
    }

    public Variable sqrt() {
        return ElementwiseFunctions.unary(UnaryOp.SQRT, this);
    }

    public Variable rsqrt() {
        return ElementwiseFunctions.unary(UnaryOp.RSQRT, this);
    }

    public Variable tanh() {
        return ElementwiseFunctions.unary(UnaryOp.TANH, this);
    }

    public Variable relu() {
        return ElementwiseFunctions.unary(UnaryOp.RELU, this);
    }

    /** GELU with the exact erf. */
    public Variable gelu() {
        return ElementwiseFunctions.unary(UnaryOp.GELU, this);
    }

    /** GELU with the tanh approximation. */
    public Variable geluTanh() {
        return ElementwiseFunctions.unary(UnaryOp.GELU_TANH, this);
    }

    public Variable silu() {
        return ElementwiseFunctions.unary(UnaryOp.SILU, this);
    }

    public Variable sigmoid() {
        return ElementwiseFunctions.unary(UnaryOp.SIGMOID, this);
    }

    /** value where mask != 0, else this (mask broadcast to this shape; no gradient to the mask). */
    public Variable maskedFill(Tensor mask, float fill) {
        return ElementwiseFunctions.maskedFill(this, mask, fill);
    }

    /** cond != 0 ? a : b with broadcasting; no gradient to cond. */
    public static Variable where(Tensor cond, Variable a, Variable b) {
        return ElementwiseFunctions.where(cond, a, b);
    }

    /** Zeroes elements with probability p and scales the rest by 1/(1-p); the identity when p == 0. */
    public Variable dropout(float p, Rng rng) {
        return ElementwiseFunctions.dropout(this, p, rng);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum over the given axes (all when none given). */
    public Variable sum(boolean keepDim, int... axes) {
        return ReductionFunctions.sum(this, keepDim, axes);
    }

    /** Sum of all elements. */
    public Variable sum() {
        return sum(false);
    }

    /** Mean over the given axes (all when none given). */
    public Variable mean(boolean keepDim, int... axes) {
        return ReductionFunctions.mean(this, keepDim, axes);
    }

    /** Mean of all elements. */
    public Variable mean() {
        return mean(false);
    }

    /** Maximum over axes; the gradient is shared evenly among tied maxima (as torch.amax). */
    public Variable max(boolean keepDim, int... axes) {
        return ReductionFunctions.extreme(this, true, keepDim, axes);
    }

    /** Minimum over axes; the gradient is shared evenly among tied minima (as torch.amin). */
    public Variable min(boolean keepDim, int... axes) {
        return ReductionFunctions.extreme(this, false, keepDim, axes);
    }

    /** Index of the first maximum along an axis (not differentiable). */
    public Tensor argmax(int axis, boolean keepDim) {
        return value.argmax(axis, keepDim);
    }

    /** Variance over axes with a correction (1 = unbiased). */
    public Variable var(int correction, boolean keepDim, int... axes) {
        return ReductionFunctions.var(this, correction, keepDim, axes);
    }

    // ---------------------------------------------------------------- matrices and rows

    /** Matrix product with torch.matmul semantics. */
    public Variable matmul(Variable o) {
        return MatrixFunctions.matmul(this, o);
    }

    /** Softmax along an axis. */
    public Variable softmax(int axis) {
        return MatrixFunctions.softmax(this, axis, false);
    }

    /** Log-softmax along an axis. */
    public Variable logSoftmax(int axis) {
        return MatrixFunctions.softmax(this, axis, true);
    }

    // ---------------------------------------------------------------- views

    public Variable reshape(int... shape) {
        return ShapeFunctions.reshape(this, shape);
    }

    public Variable permute(int... order) {
        return ShapeFunctions.permute(this, order);
    }

    public Variable transpose(int a, int b) {
        return ShapeFunctions.transpose(this, a, b);
    }

    public Variable narrow(int axis, int start, int length) {
        return ShapeFunctions.narrow(this, axis, start, length);
    }

    public Variable slice(int axis, int start, int end) {
        int n = value.dim(axis);
        int s = start < 0 ? start + n : start;
        int e = end < 0 ? end + n : end;
        value.slice(axis, start, end); // validates with the tensor's message
        return narrow(axis, s, e - s);
    }

    public Variable select(int axis, int index) {
        return ShapeFunctions.select(this, axis, index);
    }

    public Variable unsqueeze(int axis) {
        return ShapeFunctions.unsqueeze(this, axis);
    }

    public Variable squeeze(int axis) {
        return ShapeFunctions.squeeze(this, axis);
    }

    public Variable expand(int... shape) {
        return ShapeFunctions.expand(this, shape);
    }

    public Variable contiguous() {
        return ShapeFunctions.contiguous(this);
    }
}

package org.transformer4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/** One reverse sweep over a recorded graph: topological order, gradient propagation, release. */
final class BackwardPass {
    private BackwardPass() {
    }

    static void run(Variable root, Tensor seed) {
        if (!Arrays.equals(seed.shape(), root.value().shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Shapes.str(seed.shape())
                    + " does not match output shape " + Shapes.str(root.value().shape()));
        }
        if (root.isReleased()) {
            throw new IllegalStateException("backward through a graph that was already released by an earlier "
                    + "backward(); run the forward pass again");
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward on a variable that does not require a gradient "
                    + "(computed from constants only, or under Grad.off())");
        }
        List<Variable> order = topologicalOrder(root);
        Map<Variable, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Variable v = order.get(i);
            Tensor g = grads.remove(v);
            Variable.Node node = v.node();
            if (g == null) {
                continue;
            }
            if (node == null) {
                v.accumulate(g); // a leaf
                continue;
            }
            Tensor[] inputGrads = node.backward().apply(g);
            Variable[] inputs = node.inputs();
            for (int k = 0; k < inputs.length; k++) {
                Variable in = inputs[k];
                if (!in.requiresGrad() || inputGrads[k] == null) {
                    continue;
                }
                if (!Arrays.equals(inputGrads[k].shape(), in.value().shape())) {
                    throw new IllegalStateException("backward of " + node.op() + " produced a gradient of shape "
                            + Shapes.str(inputGrads[k].shape()) + " for input " + k + " of shape "
                            + Shapes.str(in.value().shape()));
                }
                if (in.isReleased()) {
                    throw new IllegalStateException("backward through a graph that was already released by an "
                            + "earlier backward(); run the forward pass again");
                }
                grads.merge(in, inputGrads[k], Tensor::add);
            }
        }
        for (Variable v : order) {
            if (v.node() != null) {
                v.release();
            }
        }
    }

    /** Variables reachable from root that need gradients, each after all its inputs (iterative DFS). */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> state = new IdentityHashMap<>(); // false: open, true: done
        ArrayDeque<Variable> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(root);
        next.push(0);
        state.put(root, false);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int k = next.pop();
            Variable.Node node = v.node();
            Variable[] inputs = node == null ? new Variable[0] : node.inputs();
            while (k < inputs.length && (!inputs[k].requiresGrad() || state.containsKey(inputs[k]))) {
                k++;
            }
            if (k < inputs.length) {
                next.push(k + 1);
                Variable child = inputs[k];
                state.put(child, false);
                stack.push(child);
                next.push(0);
            } else {
                stack.pop();
                state.put(v, true);
                order.add(v);
            }
        }
        return order;
    }
}

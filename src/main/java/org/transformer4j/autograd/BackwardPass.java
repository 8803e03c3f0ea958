package org.transformer4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transformer4j.tensor.GradientSums;
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
        // Sums this pass allocated and nobody else references: further addends go into them in place. A tensor
        // leaves the set when it is handed on (to a backward function or a leaf), since it may then be shared.
        Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        grads.put(root, seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Variable v = order.get(i);
            Tensor g = grads.remove(v);
            Variable.Node node = v.node();
            if (g == null) {
                continue;
            }
            owned.remove(g);
            if (node == null) {
                v.accumulate(g); // a leaf
                continue;
            }
            if (node.backward() instanceof ShapeFunctions.NarrowBackward slice && node.inputs()[0].requiresGrad()) {
                Variable in = node.inputs()[0];
                checkUsable(in);
                Tensor acc = grads.get(in);
                if (acc == null || !owned.contains(acc)) {
                    acc = acc == null ? Tensor.zeros(g.kernels(), in.value().shape())
                            : GradientSums.ownedCopy(acc);
                    owned.add(acc);
                    grads.put(in, acc);
                }
                GradientSums.addIntoSlice(acc, slice.axis(), slice.start(), g);
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
                checkUsable(in);
                Tensor acc = grads.get(in);
                if (acc == null) {
                    grads.put(in, inputGrads[k]);
                } else if (owned.contains(acc)) {
                    GradientSums.addInto(acc, inputGrads[k]);
                } else {
                    Tensor sum = acc.add(inputGrads[k]);
                    owned.add(sum);
                    grads.put(in, sum);
                }
            }
        }
        for (Variable v : order) {
            if (v.node() != null) {
                v.release();
            }
        }
    }

    private static void checkUsable(Variable in) {
        if (in.isReleased()) {
            throw new IllegalStateException("backward through a graph that was already released by an "
                    + "earlier backward(); run the forward pass again");
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

package org.transformer4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * What every optimizer here shares: parameter groups, one slot per distinct parameter (tied ones once, under
 * their first name), per-parameter step counts and named float buffers, and the checkpoint state.
 *
 * <p>A step updates each contiguous parameter in place when the optimizer has a kernel for it ({@link #updateInPlace}:
 * Adam and AdamW, {@link org.transformer4j.tensor.OptimizerKernels}); otherwise it copies the parameter and gradient out
 * ({@code toArray}), updates the copy in a plain loop that mirrors PyTorch's float32 arithmetic, and writes it back
 * with {@code assign}. Both give the same values; the moment buffers are kept.
 */
abstract class GroupedOptimizer implements Optimizer {
    private final List<ParameterGroup> groups;
    private final List<Slot> slots = new ArrayList<>();
    private final List<String> bufferNames;
    private double learningRate = Double.NaN;

    /** One distinct parameter: its checkpoint name, group, step count and buffers (null until first used). */
    static final class Slot {
        final String name;
        final Variable param;
        final ParameterGroup group;
        final float[][] buffers;
        long steps;

        Slot(String name, Variable param, ParameterGroup group, int buffers) {
            this.name = name;
            this.param = param;
            this.group = group;
            this.buffers = new float[buffers][];
        }

        /** Buffer i, allocated as zeros on first use. */
        float[] buffer(int i) {
            if (buffers[i] == null) {
                buffers[i] = new float[param.value().size()];
            }
            return buffers[i];
        }
    }

    GroupedOptimizer(List<ParameterGroup> groups, String... bufferNames) {
        this.groups = List.copyOf(groups);
        this.bufferNames = List.of(bufferNames);
        Map<Variable, Slot> seen = new IdentityHashMap<>();
        Map<String, String> groupOfName = new LinkedHashMap<>();
        for (ParameterGroup g : this.groups) {
            for (Map.Entry<String, Variable> e : g.parameters().entrySet()) {
                String previous = groupOfName.putIfAbsent(e.getKey(), g.name());
                if (previous != null) {
                    throw new IllegalArgumentException("parameter name '" + e.getKey() + "' appears in group '"
                            + previous + "' and again in group '" + g.name() + "'");
                }
                Slot first = seen.get(e.getValue());
                if (first != null) {
                    if (first.group != g) {
                        throw new IllegalArgumentException("parameter '" + e.getKey() + "' of group '" + g.name()
                                + "' is the same variable as '" + first.name + "' of group '" + first.group.name()
                                + "'; a parameter belongs to one group");
                    }
                    continue; // tied: updated once, under its first name
                }
                Slot s = new Slot(e.getKey(), e.getValue(), g, bufferNames.length);
                seen.put(e.getValue(), s);
                slots.add(s);
            }
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimize in groups " + groupNames());
        }
    }

    /** The kind written to checkpoints ("SGD", "Adam", "AdamW"). */
    abstract String kind();

    /** The hyperparameters, for the checkpoint metadata. */
    abstract String settingsText();

    /**
     * Updates the parameter copy {@code p} in place from the gradient {@code g}; {@code s.steps} already counts
     * this step.
     */
    abstract void update(Slot s, float[] p, float[] g, double lr, boolean decay);

    /**
     * The same update as {@link #update} applied to the contiguous parameter value in place, with the same results;
     * false when this optimizer has no in-place kernel (then {@link #update} runs on copies).
     */
    boolean updateInPlace(Slot s, Tensor value, Tensor grad, double lr, boolean decay) {
        return false;
    }

    @Override
    public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        learningRate = lr;
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void step() {
        if (Double.isNaN(learningRate)) {
            throw new IllegalStateException("no learning rate set for " + kind()
                    + ": call setLearningRate(lr) or step(lr) first");
        }
        for (Slot s : slots) {
            Tensor grad = s.param.grad();
            if (grad == null) {
                continue;
            }
            Tensor value = s.param.value();
            s.steps++;
            if (value.isContiguous() && updateInPlace(s, value, grad, learningRate * s.group.lrScale(), s.group.decay())) {
                continue;
            }
            float[] p = value.toArray();
            float[] g = grad.toArray();
            update(s, p, g, learningRate * s.group.lrScale(), s.group.decay());
            value.assign(Tensor.wrap(value.kernels(), p, value.shape()));
        }
    }

    @Override
    public final void zeroGrad() {
        for (Slot s : slots) {
            s.param.zeroGrad();
        }
    }

    @Override
    public final List<ParameterGroup> groups() {
        return groups;
    }

    /** The number of steps taken for the parameter with this (first) name; for tests and logs. */
    public final long steps(String parameterName) {
        return slotNamed(parameterName).steps;
    }

    @Override
    public final OptimizerState state() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("settings", settingsText());
        for (Slot s : slots) {
            meta.put("step/" + s.name, Long.toString(s.steps));
            for (int i = 0; i < bufferNames.size(); i++) {
                if (s.buffers[i] != null) {
                    tensors.put(s.name + "/" + bufferNames.get(i),
                            Tensor.wrap(s.param.value().kernels(), s.buffers[i].clone(), s.param.value().shape()));
                }
            }
        }
        return new OptimizerState(kind(), tensors, meta);
    }

    @Override
    public final void loadState(OptimizerState state) {
        if (!state.kind().equals(kind())) {
            throw new IllegalArgumentException("optimizer state is for " + state.kind() + " but this optimizer is "
                    + kind());
        }
        Map<String, Slot> byName = new LinkedHashMap<>();
        slots.forEach(s -> byName.put(s.name, s));
        long[] steps = new long[slots.size()];
        for (Map.Entry<String, String> e : state.metadata().entrySet()) {
            if (e.getKey().startsWith("step/") && !byName.containsKey(e.getKey().substring(5))) {
                throw new IllegalArgumentException("optimizer state has parameter '" + e.getKey().substring(5)
                        + "' that this " + kind() + " does not optimize");
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            String text = state.metadata().get("step/" + slots.get(i).name);
            if (text == null) {
                throw new IllegalArgumentException("optimizer state has no step count for parameter '"
                        + slots.get(i).name + "'");
            }
            try {
                steps[i] = Long.parseLong(text);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("optimizer state step count of '" + slots.get(i).name
                        + "' is not an integer: '" + text + "'");
            }
        }
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            String key = e.getKey();
            int cut = key.lastIndexOf('/');
            Slot s = cut < 0 ? null : byName.get(key.substring(0, cut));
            if (s == null || !bufferNames.contains(key.substring(cut + 1))) {
                throw new IllegalArgumentException("optimizer state tensor '" + key + "' matches no parameter buffer of"
                        + " this " + kind() + " (buffers " + bufferNames + ")");
            }
            if (!Arrays.equals(e.getValue().shape(), s.param.value().shape())) {
                throw new IllegalArgumentException("optimizer state tensor '" + key + "' has shape "
                        + Shapes.str(e.getValue().shape()) + " but parameter '" + s.name + "' has shape "
                        + Shapes.str(s.param.value().shape()));
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            s.steps = steps[i];
            for (int b = 0; b < bufferNames.size(); b++) {
                Tensor t = state.tensors().get(s.name + "/" + bufferNames.get(b));
                s.buffers[b] = t == null ? null : t.toArray();
            }
        }
    }

    private Slot slotNamed(String name) {
        for (Slot s : slots) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "' in " + kind() + " (groups "
                + groupNames() + ")");
    }

    private List<String> groupNames() {
        return groups.stream().map(ParameterGroup::name).toList();
    }

    @Override
    public String toString() {
        return kind() + "(" + settingsText() + ", " + slots.size() + " parameters in groups " + groupNames() + ")";
    }
}

package org.transformer4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * A building block with named parameters and named children. Parameter names joined by dots are the
 * state-dict keys ({@code encoder.layers.0.self_attn.in_proj_weight}), the same keys checkpoints use.
 * Each module's forward runs inside {@link #traced}, which records the module path for the figure
 * tracer.
 */
public abstract class Module {
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<Module> inlined = new ArrayList<>();
    private String name = "";
    private String label = "";
    private Module parent;
    private boolean training = true;

    /** Registers a trainable parameter under a local name. */
    protected final Variable parameter(String localName, Tensor init) {
        checkName(localName);
        Variable v = Variable.parameter(init);
        parameters.put(localName, v);
        return v;
    }

    /**
     * Registers an existing parameter under another local name: weight tying (e.g. the output projection
     * sharing the embedding matrix). Both names appear in the state dict; the value is counted once.
     */
    protected final Variable tie(String localName, Variable existing) {
        checkName(localName);
        parameters.put(localName, existing);
        return existing;
    }

    /** Registers a child module under a local name and returns it. */
    protected final <M extends Module> M child(String localName, M module) {
        checkName(localName);
        ((Module) module).name = localName;
        ((Module) module).label = localName;
        if (((Module) module).parent == null) {
            ((Module) module).parent = this;
        }
        children.put(localName, module);
        return module;
    }

    /**
     * Registers a child whose parameters appear without a prefix, so state-dict keys can follow a
     * reference layout (torch's encoder layer owns {@code linear1} directly) while the forward still
     * runs, and is traced, as its own module under {@code label}.
     */
    protected final <M extends Module> M inline(String label, M module) {
        ((Module) module).label = label;
        if (((Module) module).parent == null) {
            ((Module) module).parent = this;
        }
        inlined.add(module);
        return module;
    }

    private void checkName(String localName) {
        if (localName.isEmpty() || localName.contains(".") || parameters.containsKey(localName)
                || children.containsKey(localName)) {
            throw new IllegalArgumentException("bad or duplicate name '" + localName + "' in " + getClass().getSimpleName());
        }
    }

    /** Runs a forward body with this module's name on the module path (see {@link Grad#modulePath()}). */
    protected final <T> T traced(Supplier<T> body) {
        // A module shared by two parents (tied embeddings) is placed under the module that called it.
        String own = path();
        String caller = Grad.modulePath();
        String where = caller.isEmpty() || own.startsWith(caller + ".") ? own : caller + "." + label;
        try (Grad.Scope ignored = Grad.enterModule(where)) {
            return body.get();
        }
    }

    /**
     * The dotted module path from the root ({@code encoder.layers.0.self_attn}); inlined children appear
     * under their label. A module shared by two parents has the path of the first.
     */
    public final String path() {
        if (parent == null) {
            return "";
        }
        String p = parent.path();
        return p.isEmpty() ? label : p + "." + label;
    }

    /** The local name given by the parent ("" for a root). */
    public final String name() {
        return name;
    }

    /** The label on the module path: the local name, or the label of an inlined child. */
    public final String label() {
        return label;
    }

    /** The direct named children in registration order (inlined children not included). */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * The direct children keyed by their label on the module path, inlined ones included: the names the
     * figure tracer sees in {@link Grad#modulePath()}.
     */
    public final Map<String, Module> pathChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        inlined.forEach(m -> out.put(m.label, m));
        out.putAll(children);
        return Collections.unmodifiableMap(out);
    }

    /** Every parameter of this module and its descendants, keyed by dotted path, in registration order. */
    public final Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Variable> out) {
        parameters.forEach((k, v) -> {
            if (out.putIfAbsent(prefix + k, v) != null) {
                throw new IllegalStateException("two parameters named '" + prefix + k + "'");
            }
        });
        inlined.forEach(m -> m.collect(prefix, out));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out));
    }

    /** Every distinct parameter (tied ones once), in the order of {@link #namedParameters()}. */
    public final List<Variable> parameters() {
        java.util.Set<Variable> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Variable> out = new ArrayList<>();
        for (Variable v : namedParameters().values()) {
            if (seen.add(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** The number of trainable values (tied parameters counted once). */
    public final long parameterCount() {
        long n = 0;
        for (Variable v : parameters()) {
            n += v.value().size();
        }
        return n;
    }

    /** Switches dropout (and anything else that differs) between training and evaluation, recursively. */
    public final Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        inlined.forEach(c -> c.train(on));
        return this;
    }

    /** Evaluation mode: {@code train(false)}. */
    public final Module eval() {
        return train(false);
    }

    /** Whether the module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** The parameter values keyed by state-dict name (shares storage with the module). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /**
     * Copies values into the parameters by key. With {@code strict}, missing and unexpected keys are
     * errors; shapes must always match. The message names the key and both shapes.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Variable> own = namedParameters();
        if (strict) {
            TreeSet<String> missing = new TreeSet<>(own.keySet());
            missing.removeAll(state.keySet());
            TreeSet<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName()
                        + ": missing " + abbreviate(missing) + ", unexpected " + abbreviate(unexpected));
            }
        }
        own.forEach((k, v) -> {
            Tensor t = state.get(k);
            if (t == null) {
                return;
            }
            if (!Arrays.equals(t.shape(), v.value().shape())) {
                throw new IllegalArgumentException("state dict key '" + k + "' has shape " + Shapes.str(t.shape())
                        + " but the parameter has shape " + Shapes.str(v.value().shape()));
            }
            v.value().assign(t);
        });
    }

    private static String abbreviate(java.util.Collection<String> keys) {
        if (keys.isEmpty()) {
            return "none";
        }
        List<String> list = new ArrayList<>(keys);
        return list.size() <= 5 ? list.toString()
                : list.subList(0, 5) + " and " + (list.size() - 5) + " more";
    }
}

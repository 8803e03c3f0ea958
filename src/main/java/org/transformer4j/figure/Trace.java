package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;

/**
 * What one real forward pass executed: every primitive op in order, with its inputs, its output and
 * the module path it ran in. Figures are built from this and nothing else, so they cannot disagree
 * with the code.
 */
public final class Trace {

    /** One executed op. id = module path + "#" + its index among the ops of that path. */
    public record Op(String id, String op, String path, List<Variable> inputs, Variable output) {
        /** The name the code gave the output ({@link Variable#named}), or null. */
        public String name() {
            return output.name();
        }
    }

    private final List<Op> ops;
    private final Map<Variable, Op> producers;
    private final Map<Variable, String> parameterNames;
    private final Variable result;
    private final Map<String, Module> modules;

    private Trace(List<Op> ops, Map<Variable, String> parameterNames, Variable result, Map<String, Module> modules) {
        this.ops = ops;
        this.parameterNames = parameterNames;
        this.result = result;
        this.modules = modules;
        this.producers = new IdentityHashMap<>();
        for (Op o : ops) {
            producers.put(o.output(), o);
        }
    }

    /**
     * Runs forward once without gradients and records it. The model supplies parameter names and module
     * classes; forward returns the value the figure ends in.
     */
    public static Trace of(Module model, Supplier<Variable> forward) {
        List<Op> ops = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        Variable out;
        try (Grad.Scope noGrad = Grad.off();
             Grad.Scope observing = Grad.observe((op, inputs, output) -> {
                 String path = Grad.modulePath();
                 int index = counters.merge(path, 1, Integer::sum) - 1;
                 ops.add(new Op(path + "#" + index, op, path, List.copyOf(inputs), output));
             })) {
            out = forward.get();
        }
        Map<Variable, String> names = new IdentityHashMap<>();
        model.namedParameters().forEach((k, v) -> names.putIfAbsent(v, k));
        Map<String, Module> modules = new HashMap<>();
        collectModules(model, "", modules);
        return new Trace(Collections.unmodifiableList(ops), names, out, modules);
    }

    private static void collectModules(Module m, String path, Map<String, Module> out) {
        out.put(path, m);
        m.pathChildren().forEach((name, child) -> collectModules(child, path.isEmpty() ? name : path + "." + name, out));
    }

    /** The ops in execution order. */
    public List<Op> ops() {
        return ops;
    }

    /** The op that produced a value, or null for parameters, constants and inputs. */
    public Op producer(Variable v) {
        return producers.get(v);
    }

    /** The state-dict name of a parameter, or null if v is not one. */
    public String parameterName(Variable v) {
        return parameterNames.get(v);
    }

    /** The value forward returned. */
    public Variable result() {
        return result;
    }

    /** The module at a dotted module path (as {@link Grad#modulePath()} writes it), or null. */
    public Module module(String path) {
        return modules.get(path);
    }

    /** How many ops consume each value (by identity). */
    public Map<Variable, Integer> consumerCounts() {
        Map<Variable, Integer> counts = new IdentityHashMap<>();
        for (Op o : ops) {
            for (Variable in : o.inputs()) {
                counts.merge(in, 1, Integer::sum);
            }
        }
        return counts;
    }
}

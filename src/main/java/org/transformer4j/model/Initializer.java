package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Init;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/** Applies a config's initialisation scheme to every parameter of a freshly built model. */
final class Initializer {
    private Initializer() {
    }

    static void apply(Module model, TransformerConfig c, Rng rng) {
        int layers = c.encoderLayers() + c.decoderLayers();
        java.util.Set<Variable> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        model.namedParameters().forEach((name, p) -> {
            if (!done.add(p)) {
                return; // tied: initialised once
            }
            int[] s = p.shape();
            if (s.length >= 2) {
                int fanOut = s[0];
                int fanIn = p.value().size() / fanOut;
                Tensor init = switch (c.init()) {
                    case XAVIER -> Init.xavierUniform(rng, fanOut, fanIn).reshape(s);
                    case NORMAL -> Init.normal(rng, 0.02f, s);
                    case GPT2 -> Init.normal(rng, isResidualProjection(name)
                            ? (float) (0.02 / Math.sqrt(2.0 * Math.max(1, layers))) : 0.02f, s);
                };
                p.value().assign(init);
            } else if (c.init() != TransformerConfig.InitScheme.XAVIER && name.endsWith("bias")) {
                p.value().assign(Tensor.zeros(s));
            }
        });
    }

    /** The projections that write into the residual stream (GPT-2 scales their init by 1/sqrt(2N)). */
    static boolean isResidualProjection(String name) {
        return name.endsWith("out_proj.weight") || name.endsWith("linear2.weight");
    }
}

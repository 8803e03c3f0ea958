package org.transformer4j.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/**
 * Attention weights taken from a real forward pass: every attention module names its softmax output
 * "attention weights", and this class records those values while the forward runs, so the maps are the
 * numbers inference used (no second, separate code path that could differ).
 *
 * <pre>{@code
 * List<AttentionMaps.Map> maps = AttentionMaps.capture(() -> model.forward(src, tgt));
 * AttentionMaps.Map cross = AttentionMaps.last(maps, AttentionMaps.Kind.CROSS);
 * Tensor head0 = cross.head(0, 0);   // (Tq, Tk) of batch row 0, head 0
 * }</pre>
 */
public final class AttentionMaps {
    /** The name {@code MultiHeadAttention} gives its softmax output. */
    public static final String WEIGHTS_NAME = "attention weights";

    private AttentionMaps() {
    }

    /** Which attention a map comes from, read from the module path (torch nn.Transformer names). */
    public enum Kind {
        /** Self-attention of an encoder (every position sees every position). */
        SELF,
        /** Self-attention of a decoder (causal). */
        CAUSAL_SELF,
        /** Decoder queries over encoder keys. */
        CROSS
    }

    /**
     * One attention module's weights.
     *
     * @param module  the module path, e.g. decoder.layers.1.multihead_attn
     * @param kind    self, causal self or cross
     * @param weights (B, heads, Tq, Tk); each row sums to 1 over its unmasked keys
     */
    public record Map(String module, Kind kind, Tensor weights) {
        /** The heads of the map. */
        public int heads() {
            return weights.dim(1);
        }

        /** (Tq, Tk) weights of one batch row and head, as a contiguous copy. */
        public Tensor head(int row, int head) {
            return weights.select(0, row).select(0, head).contiguous();
        }
    }

    /** Runs forward and returns every attention map it computed, in execution order, with its result. */
    public static <T> List<Map> capture(Supplier<T> forward) {
        List<Variable> outputs = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        try (Grad.Scope ignored = Grad.observe((op, inputs, output) -> {
            if (op.equals("softmax")) {
                outputs.add(output);
                paths.add(Grad.modulePath());
            }
        })) {
            forward.get();
        }
        List<Map> maps = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Variable v = outputs.get(i);
            if (WEIGHTS_NAME.equals(v.name())) {   // named after the op ran, so read once the forward is done
                maps.add(new Map(paths.get(i), kindOf(paths.get(i)), v.value()));
            }
        }
        return maps;
    }

    /** The last map of a kind (e.g. the top decoder layer's cross-attention). */
    public static Map last(List<Map> maps, Kind kind) {
        for (int i = maps.size() - 1; i >= 0; i--) {
            if (maps.get(i).kind() == kind) {
                return maps.get(i);
            }
        }
        throw new IllegalArgumentException("no " + kind + " attention among the " + maps.size() + " maps captured");
    }

    static Kind kindOf(String path) {
        if (path.endsWith("multihead_attn") || path.endsWith("cross_attn") || path.endsWith("encoder_attn")) {
            return Kind.CROSS;
        }
        return path.startsWith("decoder") || path.contains(".decoder.") ? Kind.CAUSAL_SELF : Kind.SELF;
    }
}

package org.transformer4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/** N decoder layers ({@code layers.i}) and an optional final norm ({@code norm}). */
public final class Decoder extends Module {
    private final ModuleList<DecoderLayer> layers;
    private final NormLayer norm;

    public Decoder(LayerSpec spec, int n, boolean crossAttention, boolean finalNorm, Rng rng) {
        List<DecoderLayer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new DecoderLayer(spec, crossAttention, rng));
        }
        this.layers = child("layers", new ModuleList<>(list));
        this.norm = finalNorm ? child("norm", NormLayer.create(spec.norm(), spec.dModel(), spec.eps())) : null;
    }

    public ModuleList<DecoderLayer> layers() {
        return layers;
    }

    /** A fresh cache for incremental decoding with this decoder. */
    public List<DecoderLayer.Cache> newCache() {
        List<DecoderLayer.Cache> c = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            c.add(new DecoderLayer.Cache());
        }
        return c;
    }

    /** (B, T, d) -> (B, T, d); cache (one entry per layer) may be null. */
    public Variable forward(Variable x, AttentionMask selfMask, Variable memory, AttentionMask memoryMask,
                            List<DecoderLayer.Cache> cache) {
        return traced(() -> {
            Variable h = x;
            for (int i = 0; i < layers.size(); i++) {
                h = layers.get(i).forward(h, selfMask, memory, memoryMask, cache == null ? null : cache.get(i));
            }
            return norm == null ? h : norm.forward(h);
        });
    }
}

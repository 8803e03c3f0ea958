package org.transformer4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/** N encoder layers ({@code layers.0 .. layers.N-1}) and an optional final norm ({@code norm}). */
public final class Encoder extends Module {
    private final ModuleList<EncoderLayer> layers;
    private final NormLayer norm; // null when the config has no final norm

    public Encoder(LayerSpec spec, int n, boolean finalNorm, Rng rng) {
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new EncoderLayer(spec, rng));
        }
        this.layers = child("layers", new ModuleList<>(list));
        this.norm = finalNorm ? child("norm", NormLayer.create(spec.norm(), spec.dModel(), spec.eps())) : null;
    }

    public ModuleList<EncoderLayer> layers() {
        return layers;
    }

    /** (B, S, d) -> (B, S, d). */
    public Variable forward(Variable x, AttentionMask mask) {
        return traced(() -> {
            Variable h = x;
            for (EncoderLayer layer : layers.items()) {
                h = layer.forward(h, mask);
            }
            return norm == null ? h : norm.forward(h);
        });
    }
}

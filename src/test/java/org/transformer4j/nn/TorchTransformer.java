package org.transformer4j.nn;

import org.transformer4j.tensor.Rng;

/** torch.nn.Transformer's layout for the PyTorch fixture tests: an encoder and a decoder stack, each with a final norm. */
public final class TorchTransformer extends Module {
    public final Encoder encoder;
    public final Decoder decoder;

    public TorchTransformer(LayerSpec spec, Rng rng) {
        encoder = child("encoder", new Encoder(spec, 2, true, rng));
        decoder = child("decoder", new Decoder(spec, 2, true, true, rng));
    }
}

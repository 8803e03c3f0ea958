#!/usr/bin/env python3
"""Per-head attention weights of torch.nn.Transformer, for the attention-map tests.

Reads the transformer_post / transformer_pre fixtures written by make_transformer_fixtures.py (weights,
inputs, masks), rebuilds the torch model in float64, and runs it with every nn.MultiheadAttention asked
for its weights (need_weights=True, average_attn_weights=False), so the weights are torch's own. Writes
fixtures/transformer/attention_{post,pre}.safetensors holding, for each attention module, a tensor
"weights.<module path>" of shape (B, heads, Tq, Tk) in float32, e.g. weights.encoder.layers.0.self_attn.

Run: python3 tools/make_attention_fixtures.py   (torch 1.13, as in Debian's python3-torch)
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_transformer_fixtures as base  # noqa: E402  (same constants and safetensors helpers)


def attention_weights(name):
    metadata, tensors, _ = base.read_safetensors(os.path.join(base.OUT_DIR, name + ".safetensors"))
    config = json.loads(metadata["config"])
    model = base.build("transformer", config["norm_first"], config["activation"]).double()
    state = {k: torch.from_numpy(np.array(v)).double() for k, v in tensors.items()
             if not k.split(".")[0] in ("input", "output", "grad", "mask")}
    model.load_state_dict(state)
    model.train()   # dropout is 0; train() keeps torch off its fused inference path

    captured = {}
    for path, module in model.named_modules():
        if isinstance(module, torch.nn.MultiheadAttention):
            original = module.forward

            def forward(query, key, value, *args, _path=path, _original=original, **kwargs):
                kwargs["need_weights"] = True
                kwargs["average_attn_weights"] = False
                out, weights = _original(query, key, value, *args, **kwargs)
                captured[_path] = weights.detach()
                return out, weights
            module.forward = forward

    src = torch.from_numpy(np.array(tensors["input.src"])).double()
    tgt = torch.from_numpy(np.array(tensors["input.tgt"])).double()
    src_kpm = torch.from_numpy(np.array(tensors["mask.src_key_padding"])) > 0.5
    tgt_kpm = torch.from_numpy(np.array(tensors["mask.tgt_key_padding"])) > 0.5
    mem_kpm = torch.from_numpy(np.array(tensors["mask.memory_key_padding"])) > 0.5
    causal_bool = torch.from_numpy(np.array(tensors["mask.tgt_causal"])) > 0.5
    causal = torch.zeros(causal_bool.shape, dtype=torch.float64).masked_fill(causal_bool, float("-inf"))
    with torch.no_grad():
        out = model(src, tgt, tgt_mask=causal, src_key_padding_mask=src_kpm, tgt_key_padding_mask=tgt_kpm,
                    memory_key_padding_mask=mem_kpm)
    expected = np.array(tensors["output.out"])
    drift = np.abs(out.numpy() - expected).max()
    assert drift < 1e-5, f"{name}: rebuilt model differs from the fixture by {drift}"
    assert len(captured) == 6, sorted(captured)
    return [("weights." + p, base.f32(w)) for p, w in sorted(captured.items())], {
        "source": name + ".safetensors",
        "layout": "(B, heads, Tq, Tk); rows over masked keys are 0",
        "torch_version": torch.__version__,
        "how": "nn.MultiheadAttention(need_weights=True, average_attn_weights=False) inside nn.Transformer, float64",
    }


def main():
    torch.set_num_threads(1)
    for variant in ("post", "pre"):
        tensors, metadata = attention_weights("transformer_" + variant)
        path = os.path.join(base.OUT_DIR, "attention_" + variant + ".safetensors")
        base.write_safetensors(path, tensors, metadata)
        print(path, len(tensors), "tensors")


if __name__ == "__main__":
    main()

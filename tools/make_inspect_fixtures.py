#!/usr/bin/env python3
"""Bilinear query-key forms M = W_Q,h^T W_K,h of each head, computed with numpy from the weights of the
transformer_post fixture (make_transformer_fixtures.py), for QueryKeyFormsTest.

Writes src/test/resources/fixtures/inspect/qk_forms.json: for every attention module and head, the
singular values of M (numpy.linalg.svd on the d x d matrix, float64), its Frobenius norm, and the
shares ||(M + M^T)/2||_F / ||M||_F and ||(M - M^T)/2||_F / ||M||_F. A second, "low_rank" entry zeroes
two rows of head 0's W_Q in encoder.layers.0.self_attn so that M has rank head_dim - 2.

Run: /usr/bin/python3 tools/make_inspect_fixtures.py   (numpy; torch only through the shared reader)
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_transformer_fixtures as base  # noqa: E402

OUT = os.path.join(base.REPO_ROOT, "src", "test", "resources", "fixtures", "inspect", "qk_forms.json")


def forms(state, heads):
    out = []
    for key in sorted(k for k in state if k.endswith("in_proj_weight")):
        module = key[: -len(".in_proj_weight")]
        w = np.array(state[key], dtype=np.float64)
        d = w.shape[1]
        hd = d // heads
        for h in range(heads):
            a = w[h * hd:(h + 1) * hd]            # W_Q rows of head h
            b = w[d + h * hd:d + (h + 1) * hd]    # W_K rows of head h
            m = a.T @ b
            sv = np.linalg.svd(m, compute_uv=False)
            frob = np.linalg.norm(m)
            out.append({
                "module": module, "head": h,
                "singular_values": [float(x) for x in sv[:hd]],
                "rank": int(np.linalg.matrix_rank(m, tol=sv[0] * max(d, hd) * 1.1920929e-7)),
                "frobenius": float(frob),
                "symmetric_share": float(np.linalg.norm((m + m.T) / 2) / frob),
                "antisymmetric_share": float(np.linalg.norm((m - m.T) / 2) / frob),
            })
    return out


def main():
    metadata, tensors, _ = base.read_safetensors(os.path.join(base.OUT_DIR, "transformer_post.safetensors"))
    state = {k: v for k, v in tensors.items() if k.split(".")[0] not in ("input", "output", "grad", "mask")}
    heads = json.loads(metadata["config"])["nhead"]
    low = dict(state)
    w = np.array(low["encoder.layers.0.self_attn.in_proj_weight"], dtype=np.float32).copy()
    w[0:2] = 0.0
    low["encoder.layers.0.self_attn.in_proj_weight"] = w
    doc = {
        "source": "transformer_post.safetensors (torch.nn.Transformer, d_model 16, 4 heads)",
        "how": "numpy float64: M = W_Q[h]^T W_K[h]; svd; Frobenius norms of (M +- M^T)/2",
        "forms": forms(state, heads),
        "low_rank": {"zeroed": "encoder.layers.0.self_attn.in_proj_weight rows 0 and 1",
                     "forms": [f for f in forms(low, heads) if f["module"] == "encoder.layers.0.self_attn"]},
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
    print(OUT, len(doc["forms"]), "heads")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Generate PyTorch reference trajectories for the transformer4j optimizers.

Writes ``src/test/resources/fixtures/optim/trajectories.safetensors`` (relative
to the repo root) with, for four small parameters ``w`` (3, 4), ``b`` (4,),
``v`` (2, 3) and ``u`` (5,) (whose gradients span 1e-3 to 1e-9, so that the
place of eps matters):

* ``init.<p>``          the initial parameter values,
* ``grad.<step>.<p>``   the gradient fed in at each step (1-based; absent when
                        the parameter has no gradient at that step),
* ``lr``                the base learning rate of each step, shape (STEPS,),
* ``<case>.<step>.<p>`` the parameter values after each step of each case.

All numbers are float32.  Learning rates are float32 values so that Java and
torch use the same double (the float widened).  Parameter ``v`` gets no
gradient at step 3: torch then skips it (and does not count the step for it).

Cases (the Java test ``OptimizerTorchFixtureTest`` builds the same ones):

* ``sgd``           SGD(momentum=0.9, weight_decay=0.01)
* ``sgd_nesterov``  SGD(momentum=0.9, nesterov=True, weight_decay=0.01)
* ``adam``          Adam(betas=(0.9, 0.98), eps=1e-9)
* ``adam_l2``       Adam(betas=(0.9, 0.98), eps=1e-9, weight_decay=0.01)
* ``adamw``         AdamW(betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1) with
                    two groups: {w, v, u} and {b} with weight_decay=0 and half the
                    learning rate (a per-group multiplier of 0.5).

``__metadata__`` holds ``"cases"`` (a JSON description of the above) and
``"steps"``.  The safetensors file is written by hand (no ``safetensors``
package needed): 8-byte little-endian header length N, N bytes of JSON padded
with spaces to a multiple of 8, then the data section.  The output is
deterministic.  Regenerate with Debian's python3-torch 1.13, from the repo root:

    /usr/bin/python3 tools/make_optimizer_fixtures.py
"""

import json
import os
import struct

import numpy as np
import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "optim",
                        "trajectories.safetensors")

STEPS = 5
SHAPES = {"w": (3, 4), "b": (4,), "v": (2, 3), "u": (5,)}
# u's gradients span 1e-3 .. 1e-9 so that where eps enters (after the root of the corrected second moment,
# as torch does, or inside it) changes the result by far more than the tolerance.
U_SCALE = torch.tensor([1e-3, 1e-5, 1e-7, 1e-8, 1e-9], dtype=torch.float32)
NO_GRAD = {"v": [3]}  # parameter -> steps without a gradient
LRS = [0.1, 0.05, 0.2, 0.01, 0.08]

CASES = {
    "sgd": {"type": "sgd", "momentum": 0.9, "nesterov": False, "weight_decay": 0.01},
    "sgd_nesterov": {"type": "sgd", "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    "adam": {"type": "adam", "betas": [0.9, 0.98], "eps": 1e-9, "weight_decay": 0.0},
    "adam_l2": {"type": "adam", "betas": [0.9, 0.98], "eps": 1e-9, "weight_decay": 0.01},
    "adamw": {"type": "adamw", "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1,
              "groups": [{"params": ["w", "v", "u"], "lr_scale": 1.0, "weight_decay": 0.1},
                         {"params": ["b"], "lr_scale": 0.5, "weight_decay": 0.0}]},
}


def make_data():
    g = torch.Generator().manual_seed(20170612)  # the Transformer paper's arXiv date
    init = {p: torch.randn(s, generator=g, dtype=torch.float32) for p, s in SHAPES.items()}
    grads = []
    for step in range(1, STEPS + 1):
        grads.append({p: torch.randn(s, generator=g, dtype=torch.float32) * (U_SCALE if p == "u" else 0.5)
                      for p, s in SHAPES.items() if step not in NO_GRAD.get(p, [])})
    lrs = [float(np.float32(x)) for x in LRS]
    return init, grads, lrs


def build(case, params):
    if case["type"] == "sgd":
        opt = torch.optim.SGD(list(params.values()), lr=0.0, momentum=case["momentum"],
                              nesterov=case["nesterov"], weight_decay=case["weight_decay"])
        return opt, [1.0]
    betas = tuple(case["betas"])
    if case["type"] == "adam":
        opt = torch.optim.Adam(list(params.values()), lr=0.0, betas=betas, eps=case["eps"],
                               weight_decay=case["weight_decay"])
        return opt, [1.0]
    groups = [{"params": [params[p] for p in gr["params"]], "weight_decay": gr["weight_decay"]}
              for gr in case["groups"]]
    opt = torch.optim.AdamW(groups, lr=0.0, betas=betas, eps=case["eps"])
    return opt, [gr["lr_scale"] for gr in case["groups"]]


def run(case, init, grads, lrs):
    params = {p: init[p].clone().requires_grad_(True) for p in SHAPES}
    opt, scales = build(case, params)
    out = {}
    for step in range(1, STEPS + 1):
        for p, t in params.items():
            t.grad = grads[step - 1][p].clone() if p in grads[step - 1] else None
        for group, scale in zip(opt.param_groups, scales):
            group["lr"] = lrs[step - 1] * scale  # double arithmetic, as Java's lr * lrScale
        opt.step()
        for p, t in params.items():
            out[f"{step}.{p}"] = t.detach().clone()
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        data = t.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def read_back(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(e["shape"])
    return header["__metadata__"], out


def main():
    torch.set_num_threads(1)
    init, grads, lrs = make_data()
    tensors = {}
    for p in SHAPES:
        tensors[f"init.{p}"] = init[p]
    for step in range(1, STEPS + 1):
        for p in SHAPES:
            if p in grads[step - 1]:
                tensors[f"grad.{step}.{p}"] = grads[step - 1][p]
    tensors["lr"] = torch.tensor(lrs, dtype=torch.float32)
    for name, case in CASES.items():
        for key, t in run(case, init, grads, lrs).items():
            tensors[f"{name}.{key}"] = t
    metadata = {"cases": json.dumps(CASES, sort_keys=True), "steps": str(STEPS),
                "torch": torch.__version__}
    write_safetensors(OUT_PATH, tensors, metadata)

    meta, back = read_back(OUT_PATH)
    assert json.loads(meta["cases"]) == CASES
    for name, t in tensors.items():
        assert np.array_equal(back[name], t.detach().numpy()), name
    # Sanity: the trajectories differ from each other and from the start.
    assert not np.allclose(back["sgd.5.w"], back["sgd_nesterov.5.w"])
    assert not np.allclose(back["adam.5.w"], back["adam_l2.5.w"])
    assert np.array_equal(back["adam.3.v"], back["adam.2.v"])  # no gradient at step 3
    print(f"wrote {OUT_PATH}: {len(tensors)} tensors, {os.path.getsize(OUT_PATH)} bytes")


if __name__ == "__main__":
    main()

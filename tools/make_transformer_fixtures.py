#!/usr/bin/python3
"""Generate PyTorch reference fixtures for the transformer4j Transformer modules.

Writes six files into ``src/test/resources/fixtures/transformer/`` (relative to
the repo root), one per case, for the Java Transformer module tests
(encoder layer, decoder layer and full encoder-decoder ``nn.Transformer``,
each in post-norm and pre-norm form; the Java tests under
``src/test/java/org/transformer4j/`` that load ``fixtures/transformer/*``):

    encoder_layer_post.safetensors  nn.TransformerEncoderLayer, norm_first=False, relu
    encoder_layer_pre.safetensors   nn.TransformerEncoderLayer, norm_first=True,  gelu
    decoder_layer_post.safetensors  nn.TransformerDecoderLayer, norm_first=False, relu
    decoder_layer_pre.safetensors   nn.TransformerDecoderLayer, norm_first=True,  relu
    transformer_post.safetensors    nn.Transformer (2+2 layers), norm_first=False, relu
    transformer_pre.safetensors     nn.Transformer (2+2 layers), norm_first=True,  relu

All modules use d_model=16, nhead=4, dim_feedforward=32, dropout=0,
layer_norm_eps=1e-5, batch_first=True.  Shapes: src/memory (B=2, S=5, 16),
tgt (2, T=4, 16).

Tensors in each file (all F32, little-endian):

* ``<state_dict key>``          every parameter, under the exact key
                                ``module.state_dict()`` uses (e.g.
                                ``self_attn.in_proj_weight``,
                                ``encoder.layers.0.linear1.weight``,
                                ``decoder.norm.bias``);
* ``input.src`` / ``input.tgt`` / ``input.memory`` the float inputs;
* ``mask.src_key_padding``, ``mask.tgt_key_padding``,
  ``mask.memory_key_padding`` (B, S) and ``mask.tgt_causal`` (T, T):
                                1.0 = masked (not attended), 0.0 = attended.
                                Key padding masks were passed to torch as bool
                                (True = masked); the causal mask was passed as
                                a float mask with -inf above the diagonal;
* ``output.out``                the module output;
* ``output.memory``             (transformer cases only) ``model.encoder`` output
                                for the same src / src_key_padding_mask;
* ``grad.out``                  upstream gradient (random normal, output shape);
* ``grad.param.<key>``          d(out . grad.out)/d(parameter);
* ``grad.input.<name>``         d(out . grad.out)/d(input) for src/tgt/memory.

Padding masks never mask a whole row (item 0 of tgt: last position padded;
item 1 of src/memory: last two positions padded), so nothing is NaN.  Outputs at
padded *query* positions are well defined (key padding only masks keys) and are
kept as torch computes them.

Parameters: torch's default init under ``torch.manual_seed`` (per case, CRC32
of the case name), then every 1-D parameter (biases, LayerNorm weight/bias,
which torch initialises to constants 0/1) is perturbed by 0.1*N(0,1) so that a
swapped or ignored bias / norm parameter is detectable.  The perturbed values
are rounded to float32 and those are what is stored and used.

The modules are run in ``.train()`` mode with autograd enabled (dropout is 0,
so train and eval compute the same function).  This bypasses PyTorch 1.13's
inference "fast path" (``torch._transformer_encoder_layer_fwd``,
``torch._native_multi_head_attention`` and the nested-tensor conversion in
``TransformerEncoder``), which is only taken in eval mode without grad; note
that the nested-tensor path would zero the outputs at padded positions, the
path used here does not.  Forward and backward are evaluated in float64 (a
double copy of the float32 weights and inputs) and results are rounded to
float32 when stored; a float32 run is checked to agree to ~1e-5.

The safetensors files are written by hand (no ``safetensors`` package): 8-byte
little-endian header length N, N bytes of UTF-8 JSON (space-padded so 8+N is a
multiple of 8), then the contiguous data section.  ``__metadata__`` holds
``module``, ``config`` (JSON string), ``mask_convention``, ``torch_version``
and a few notes.  The output is deterministic (byte-identical across runs).

Regenerate from the repo root with Debian's python3-torch 1.13 (not a pyenv
python):

    /usr/bin/python3 tools/make_transformer_fixtures.py

The script re-reads and validates each file afterwards and prints a summary.
"""

import json
import math
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "transformer")

D_MODEL = 16
NHEAD = 4
DIM_FF = 32
EPS = 1e-5
B, S, T = 2, 5, 4
MASK_CONVENTION = "1.0 = masked (not attended), 0.0 = attended"


# ---------------------------------------------------------------------------
# safetensors writer / reader
# ---------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, np.ndarray float32/int64) in file order."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, arr in tensors:
        if arr.dtype == np.float32:
            dtype, data = "F32", arr.astype("<f4").tobytes()
        elif arr.dtype == np.int64:
            dtype, data = "I64", arr.astype("<i8").tobytes()
        else:
            raise TypeError(f"{name}: unsupported dtype {arr.dtype}")
        if name in header:
            raise KeyError(f"duplicate tensor name {name}")
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hbytes = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    hbytes += b" " * ((-(8 + len(hbytes))) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Parse and validate; returns (metadata, {name: np.ndarray}, header order)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0, "header not 8-byte aligned"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__")
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
    data = raw[8 + n:]
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    pos = 0
    out = {}
    sizes = {"F32": 4, "I64": 8}
    for begin, end, name in spans:
        assert begin == pos, f"{name}: gap/overlap at {pos} vs {begin}"
        info = header[name]
        count = int(np.prod(info["shape"])) if info["shape"] else 1
        assert end - begin == count * sizes[info["dtype"]], f"{name}: size mismatch"
        np_dtype = "<f4" if info["dtype"] == "F32" else "<i8"
        out[name] = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(info["shape"])
        pos = end
    assert pos == len(data), "data section not tiled exactly"
    return meta, out, list(header.keys())


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def f32(t):
    return np.ascontiguousarray(t.detach().to(torch.float32).cpu().numpy()).astype("<f4")


def perturb_and_round(module):
    """Perturb 1-D params (constant-initialised by torch) and round all to f32."""
    with torch.no_grad():
        for _, p in module.named_parameters():
            if p.dim() == 1:
                p.add_(0.1 * torch.randn(p.shape))
            p.copy_(p.to(torch.float32))


def padding_masks():
    src_kpm = torch.zeros(B, S, dtype=torch.bool)
    src_kpm[1, S - 2:] = True          # last 2 positions of item 1
    tgt_kpm = torch.zeros(B, T, dtype=torch.bool)
    tgt_kpm[0, T - 1] = True           # last position of item 0
    mem_kpm = src_kpm.clone()          # memory = encoder output of src
    causal_bool = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    causal = torch.zeros(T, T).masked_fill(causal_bool, float("-inf"))
    return src_kpm, tgt_kpm, mem_kpm, causal_bool, causal


def build(kind, norm_first, activation):
    common = dict(d_model=D_MODEL, nhead=NHEAD, dim_feedforward=DIM_FF, dropout=0.0,
                  activation=activation, layer_norm_eps=EPS, batch_first=True,
                  norm_first=norm_first)
    if kind == "encoder_layer":
        return nn.TransformerEncoderLayer(**common)
    if kind == "decoder_layer":
        return nn.TransformerDecoderLayer(**common)
    if kind == "transformer":
        return nn.Transformer(num_encoder_layers=2, num_decoder_layers=2, **common)
    raise ValueError(kind)


MODULE_NAMES = {
    "encoder_layer": "torch.nn.TransformerEncoderLayer",
    "decoder_layer": "torch.nn.TransformerDecoderLayer",
    "transformer": "torch.nn.Transformer",
}

CASES = [
    ("encoder_layer_post", "encoder_layer", False, "relu"),
    ("encoder_layer_pre", "encoder_layer", True, "gelu"),
    ("decoder_layer_post", "decoder_layer", False, "relu"),
    ("decoder_layer_pre", "decoder_layer", True, "relu"),
    ("transformer_post", "transformer", False, "relu"),
    ("transformer_pre", "transformer", True, "relu"),
]


def run_module(kind, model, inputs, masks):
    """Forward with the given (float) inputs; returns (out, memory-or-None)."""
    src_kpm, tgt_kpm, mem_kpm, causal = masks
    if kind == "encoder_layer":
        return model(inputs["src"], src_key_padding_mask=src_kpm), None
    if kind == "decoder_layer":
        return model(inputs["tgt"], inputs["memory"], tgt_mask=causal,
                     tgt_key_padding_mask=tgt_kpm, memory_key_padding_mask=mem_kpm), None
    out = model(inputs["src"], inputs["tgt"], tgt_mask=causal,
                src_key_padding_mask=src_kpm, tgt_key_padding_mask=tgt_kpm,
                memory_key_padding_mask=mem_kpm)
    memory = model.encoder(inputs["src"], src_key_padding_mask=src_kpm)
    return out, memory


# ---------------------------------------------------------------------------
# independent functional reference (documents the semantics the Java side needs)
# ---------------------------------------------------------------------------

def ref_mha(prefix, P, q_in, kv_in, add_mask):
    """add_mask: (B, 1 or H, Tq, Tk) additive mask (0 / -inf) or None."""
    w, b = P[prefix + "in_proj_weight"], P[prefix + "in_proj_bias"]
    Bq, Tq, E = q_in.shape
    Tk = kv_in.shape[1]
    hd = E // NHEAD
    q = q_in @ w[:E].T + b[:E]
    k = kv_in @ w[E:2 * E].T + b[E:2 * E]
    v = kv_in @ w[2 * E:].T + b[2 * E:]
    q = q.view(Bq, Tq, NHEAD, hd).transpose(1, 2)
    k = k.view(Bq, Tk, NHEAD, hd).transpose(1, 2)
    v = v.view(Bq, Tk, NHEAD, hd).transpose(1, 2)
    scores = (q / math.sqrt(hd)) @ k.transpose(-2, -1)
    if add_mask is not None:
        scores = scores + add_mask
    att = torch.softmax(scores, dim=-1) @ v
    att = att.transpose(1, 2).reshape(Bq, Tq, E)
    return att @ P[prefix + "out_proj.weight"].T + P[prefix + "out_proj.bias"]


def ref_ln(prefix, P, x):
    return F.layer_norm(x, (D_MODEL,), P[prefix + "weight"], P[prefix + "bias"], EPS)


def ref_ff(prefix, P, x, act):
    h = x @ P[prefix + "linear1.weight"].T + P[prefix + "linear1.bias"]
    h = torch.relu(h) if act == "relu" else 0.5 * h * (1 + torch.erf(h / math.sqrt(2)))
    return h @ P[prefix + "linear2.weight"].T + P[prefix + "linear2.bias"]


def kpm_add(kpm, Tq):
    m = torch.zeros(kpm.shape[0], 1, Tq, kpm.shape[1], dtype=torch.float64)
    return m.masked_fill(kpm[:, None, None, :], float("-inf"))


def ref_encoder_layer(pre, P, p, x, kpm, act):
    m = kpm_add(kpm, x.shape[1])
    if pre:
        x = x + ref_mha(p + "self_attn.", P, ref_ln(p + "norm1.", P, x), ref_ln(p + "norm1.", P, x), m)
        return x + ref_ff(p, P, ref_ln(p + "norm2.", P, x), act)
    x = ref_ln(p + "norm1.", P, x + ref_mha(p + "self_attn.", P, x, x, m))
    return ref_ln(p + "norm2.", P, x + ref_ff(p, P, x, act))


def ref_decoder_layer(pre, P, p, x, mem, causal_bool, tkpm, mkpm, act):
    self_m = kpm_add(tkpm, x.shape[1]).masked_fill(causal_bool[None, None], float("-inf"))
    cross_m = kpm_add(mkpm, x.shape[1])
    if pre:
        h = ref_ln(p + "norm1.", P, x)
        x = x + ref_mha(p + "self_attn.", P, h, h, self_m)
        x = x + ref_mha(p + "multihead_attn.", P, ref_ln(p + "norm2.", P, x), mem, cross_m)
        return x + ref_ff(p, P, ref_ln(p + "norm3.", P, x), act)
    x = ref_ln(p + "norm1.", P, x + ref_mha(p + "self_attn.", P, x, x, self_m))
    x = ref_ln(p + "norm2.", P, x + ref_mha(p + "multihead_attn.", P, x, mem, cross_m))
    return ref_ln(p + "norm3.", P, x + ref_ff(p, P, x, act))


def reference(kind, pre, act, P, inputs, src_kpm, tgt_kpm, mem_kpm, causal_bool):
    if kind == "encoder_layer":
        return ref_encoder_layer(pre, P, "", inputs["src"], src_kpm, act), None
    if kind == "decoder_layer":
        return ref_decoder_layer(pre, P, "", inputs["tgt"], inputs["memory"], causal_bool,
                                 tgt_kpm, mem_kpm, act), None
    x = inputs["src"]
    for i in range(2):
        x = ref_encoder_layer(pre, P, f"encoder.layers.{i}.", x, src_kpm, act)
    mem = ref_ln("encoder.norm.", P, x)
    y = inputs["tgt"]
    for i in range(2):
        y = ref_decoder_layer(pre, P, f"decoder.layers.{i}.", y, mem, causal_bool,
                              tgt_kpm, mem_kpm, act)
    return ref_ln("decoder.norm.", P, y), mem


# ---------------------------------------------------------------------------

def make_case(name, kind, norm_first, activation):
    seed = zlib.crc32(name.encode("utf-8"))
    torch.manual_seed(seed)
    model32 = build(kind, norm_first, activation)
    perturb_and_round(model32)

    input_shapes = {
        "encoder_layer": [("src", (B, S, D_MODEL))],
        "decoder_layer": [("tgt", (B, T, D_MODEL)), ("memory", (B, S, D_MODEL))],
        "transformer": [("src", (B, S, D_MODEL)), ("tgt", (B, T, D_MODEL))],
    }[kind]
    inputs32 = {n: torch.randn(shape) for n, shape in input_shapes}

    src_kpm, tgt_kpm, mem_kpm, causal_bool, causal = padding_masks()
    used_masks = {
        "encoder_layer": [("src_key_padding", src_kpm)],
        "decoder_layer": [("tgt_key_padding", tgt_kpm), ("memory_key_padding", mem_kpm),
                          ("tgt_causal", causal_bool)],
        "transformer": [("src_key_padding", src_kpm), ("tgt_key_padding", tgt_kpm),
                        ("memory_key_padding", mem_kpm), ("tgt_causal", causal_bool)],
    }[kind]

    out_shape = (B, S, D_MODEL) if kind == "encoder_layer" else (B, T, D_MODEL)
    grad_out32 = torch.randn(out_shape)

    # float32 sanity run (same weights) -------------------------------------
    model32.train()
    with torch.enable_grad():
        out32, _ = run_module(kind, model32, inputs32,
                              (src_kpm, tgt_kpm, mem_kpm, causal))

    # float64 reference run --------------------------------------------------
    model = build(kind, norm_first, activation).double()
    model.load_state_dict({k: v.double() for k, v in model32.state_dict().items()})
    model.train()
    inputs = {n: t.double().requires_grad_(True) for n, t in inputs32.items()}
    grad_out = grad_out32.double()
    with torch.enable_grad():
        out, memory = run_module(kind, model, inputs,
                                 (src_kpm, tgt_kpm, mem_kpm, causal.double()))
        out.backward(grad_out)

    assert torch.isfinite(out).all(), name
    drift = (out32.double() - out).abs().max().item()
    assert drift < 1e-4, f"{name}: float32 vs float64 drift {drift}"

    P = {k: v.detach() for k, v in model.state_dict().items()}
    ref_out, ref_mem = reference(kind, norm_first, activation, P,
                                 {n: t.detach() for n, t in inputs.items()},
                                 src_kpm, tgt_kpm, mem_kpm, causal_bool)
    ref_err = (ref_out - out).abs().max().item()
    assert ref_err < 1e-10, f"{name}: functional reference mismatch {ref_err}"
    if memory is not None:
        assert (ref_mem - memory).abs().max().item() < 1e-10, name

    # assemble ----------------------------------------------------------------
    tensors = []
    state = model.state_dict()
    params = dict(model.named_parameters())
    assert list(state.keys()) == list(params.keys()), "state_dict has buffers?"
    for key, value in state.items():
        tensors.append((key, f32(value)))
    for n, _ in input_shapes:
        tensors.append((f"input.{n}", f32(inputs32[n])))
    for mname, m in used_masks:
        tensors.append((f"mask.{mname}", m.to(torch.float32).numpy().astype("<f4")))
    tensors.append(("output.out", f32(out)))
    if memory is not None:
        tensors.append(("output.memory", f32(memory)))
    tensors.append(("grad.out", f32(grad_out32)))
    for key, p in params.items():
        assert p.grad is not None, f"{name}: no grad for {key}"
        tensors.append((f"grad.param.{key}", f32(p.grad)))
    for n, _ in input_shapes:
        tensors.append((f"grad.input.{n}", f32(inputs[n].grad)))

    config = {
        "d_model": D_MODEL,
        "nhead": NHEAD,
        "dim_feedforward": DIM_FF,
        "norm_first": norm_first,
        "activation": activation,
        "layer_norm_eps": EPS,
        "batch_first": True,
        "dropout": 0.0,
    }
    if kind == "transformer":
        config["num_encoder_layers"] = 2
        config["num_decoder_layers"] = 2
    else:
        config["num_layers"] = 1
    metadata = {
        "module": MODULE_NAMES[kind],
        "config": json.dumps(config, separators=(",", ":")),
        "mask_convention": MASK_CONVENTION,
        "mask_note": ("key padding masks were passed to torch as bool (True = masked); "
                      "mask.tgt_causal was passed as a float additive mask with -inf where 1.0"),
        "torch_version": torch.__version__,
        "mode": "train() with autograd enabled (dropout=0; inference fast path bypassed)",
        "compute_dtype": "float64 (from float32 weights/inputs), stored as float32",
        "seed": str(seed),
        "param_init": "torch default init, then 1-D params += 0.1*randn, rounded to float32",
        "gelu": "exact (erf)" if activation == "gelu" else "n/a",
    }
    path = os.path.join(OUT_DIR, f"{name}.safetensors")
    write_safetensors(path, tensors, metadata)
    return path, tensors, metadata, drift


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for name, kind, norm_first, activation in CASES:
        path, tensors, metadata, drift = make_case(name, kind, norm_first, activation)
        meta, read, order = read_safetensors(path)
        assert meta == metadata, f"{name}: metadata round-trip"
        assert order == [n for n, _ in tensors], f"{name}: key order"
        for n, arr in tensors:
            assert read[n].shape == arr.shape and np.array_equal(read[n], arr), n
            assert np.isfinite(arr).all(), f"{name}: non-finite {n}"
        size = os.path.getsize(path)
        total += size
        n_params = sum(1 for n, _ in tensors if not n.split(".")[0] in
                       ("input", "mask", "output", "grad"))
        print(f"{os.path.relpath(path, REPO_ROOT)}: {len(tensors)} tensors "
              f"({n_params} params), {size} bytes, f32-vs-f64 max diff {drift:.2e}")
    print(f"total {total} bytes")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Generate PyTorch reference fixtures for every transformer4j tensor op.

Writes ``src/test/resources/fixtures/ops.safetensors`` (relative to the repo
root) containing, for each test case ``C``:

* ``C.<input>``   inputs in call order (F32; integer inputs such as embedding
                  ids and cross-entropy targets are I64),
* ``C.<output>``  forward outputs (``C.out``; split has ``C.out0``, ``C.out1``...),
* ``C.g_<output>`` the upstream gradient fed into backward for each output,
* ``C.grad_<input>`` the gradient of each differentiable input.

Inputs are generated as float32 with a per-case ``torch.Generator`` seeded from
the CRC32 of the case name; the op and its backward are evaluated in float64
and every result is rounded to float32 when stored.

``__metadata__`` holds one key, ``"cases"``, whose value is a JSON string: an
array of objects
``{"name", "op", "inputs", "int_inputs", "grads", "outputs", "args", "tol"}``.
Non-finite floats inside ``args`` (e.g. a masked_fill value of -inf) are
written as the strings ``"-inf"``, ``"inf"`` or ``"nan"`` so that the header is
strict JSON.

The safetensors file is written by hand (no ``safetensors`` package needed):
8-byte little-endian header length N, N bytes of UTF-8 JSON (space-padded so
that 8+N is a multiple of 8), then the contiguous little-endian data section.

The output is deterministic (byte-identical across runs).  Regenerate with
(Debian's python3-torch 1.13, not a pyenv python), from the repo root:

    /usr/bin/python3 tools/make_op_fixtures.py

The script re-reads and validates the file afterwards and prints a summary.
"""

import json
import math
import os
import struct
import sys
import zlib
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "ops.safetensors")

TOL_SMALL = 1e-5
TOL_LARGE = 1e-4
LARGE_REDUCTION = 1000


def tol_for(reduced):
    """1e-4 when the op reduces over more than 1000 elements, else 1e-5."""
    return TOL_LARGE if reduced > LARGE_REDUCTION else TOL_SMALL


# ----------------------------------------------------------------------------
# Input generators (all produce float32 / int64 CPU tensors from a generator)
# ----------------------------------------------------------------------------

def randn(g, shape, scale=1.0):
    return torch.randn(list(shape), generator=g, dtype=torch.float32) * scale


def uniform(g, shape, lo=0.5, hi=2.0):
    return torch.rand(list(shape), generator=g, dtype=torch.float32) * (hi - lo) + lo


def nonzero_randn(g, shape):
    """randn with values pushed away from 0 (|v| >= 0.05), for relu & co."""
    x = randn(g, shape)
    return torch.where(x.abs() < 0.05, torch.sign(x + 1e-12) * 0.05 + x, x)


def distinct(g, shape, spread=0.1):
    """Values that are pairwise distinct (a shuffled arithmetic sequence + jitter)."""
    n = int(np.prod(shape)) if len(shape) else 1
    perm = torch.randperm(n, generator=g).to(torch.float32)
    jitter = torch.rand(n, generator=g, dtype=torch.float32) * (spread * 0.4)
    vals = (perm - n / 2.0) * spread + jitter
    return vals.reshape(list(shape))


def mask01(g, shape, p=0.5):
    return (torch.rand(list(shape), generator=g) < p).to(torch.float32)


def ints(g, shape, lo, hi):
    return torch.randint(lo, hi, list(shape), generator=g, dtype=torch.int64)


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# ----------------------------------------------------------------------------
# Case registry
# ----------------------------------------------------------------------------

CASES = []  # list of dicts built by add_case


def add_case(op, make_inputs, fn, *, args=None, grads=None, int_inputs=(),
             nondiff=(), n_outputs=None, tol=TOL_SMALL, name=None):
    """Register a case.

    make_inputs(g) -> list of (name, tensor) in call order.
    fn(dict name->float64/int64 tensor) -> tensor or list of tensors.
    grads: names of inputs with gradients (default: all float inputs not in
    nondiff).  grads == [] means the op is not differentiable.
    """
    idx = sum(1 for c in CASES if c["op"] == op)
    CASES.append(dict(op=op, make_inputs=make_inputs, fn=fn, args=args or {},
                      grads=grads, int_inputs=list(int_inputs),
                      nondiff=list(nondiff), tol=tol,
                      name=name or "%s_%d" % (op, idx)))


def run_case(case):
    name = case["name"]
    g = torch.Generator().manual_seed(zlib.crc32(name.encode("utf-8")))
    inputs = case["make_inputs"](g)
    in_names = [n for n, _ in inputs]
    int_inputs = case["int_inputs"]
    for n, t in inputs:
        if n in int_inputs:
            assert t.dtype == torch.int64, (name, n)
        else:
            assert t.dtype == torch.float32, (name, n)
    if case["grads"] is None:
        grads = [n for n in in_names if n not in int_inputs and n not in case["nondiff"]]
    else:
        grads = list(case["grads"])

    # float64 copies for the computation
    env = {}
    for n, t in inputs:
        if n in int_inputs:
            env[n] = t.clone()
        else:
            t64 = t.to(torch.float64)
            if n in grads:
                t64.requires_grad_(True)
            env[n] = t64
    res = case["fn"](env)
    outs = list(res) if isinstance(res, (list, tuple)) else [res]
    out_names = ["out"] if len(outs) == 1 and not isinstance(res, (list, tuple)) \
        else ["out%d" % i for i in range(len(outs))]

    tensors = []  # (name, tensor) in storage order
    for n, t in inputs:
        tensors.append(("%s.%s" % (name, n), t))
    for on, o in zip(out_names, outs):
        tensors.append(("%s.%s" % (name, on), o.detach().to(torch.float32)))

    if grads:
        g_outs = [randn(g, o.shape) for o in outs]
        torch.autograd.backward([o for o in outs],
                                [go.to(torch.float64) for go in g_outs])
        for on, go in zip(out_names, g_outs):
            tensors.append(("%s.g_%s" % (name, on), go))
        for n in grads:
            gr = env[n].grad
            if gr is None:
                gr = torch.zeros_like(env[n])
            assert tuple(gr.shape) == tuple(env[n].shape)
            tensors.append(("%s.grad_%s" % (name, n), gr.detach().to(torch.float32)))

    meta = {
        "name": name,
        "op": case["op"],
        "inputs": in_names,
        "int_inputs": [n for n in in_names if n in int_inputs],
        "grads": grads,
        "outputs": out_names,
        "args": case["args"],
        "tol": case["tol"],
    }
    return meta, tensors


# ----------------------------------------------------------------------------
# Case definitions
# ----------------------------------------------------------------------------

BINARY_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 1, 4), (2, 4)),
    ((4, 1), (1, 5)),
    ((), (2, 3)),
    ((2, 1, 3), ()),
]


def define_cases():
    # ---- binary elementwise -------------------------------------------------
    binary = {
        "add": (lambda a, b: a + b, randn, randn),
        "sub": (lambda a, b: a - b, randn, randn),
        "mul": (lambda a, b: a * b, randn, randn),
        "div": (lambda a, b: a / b, randn, uniform),
        "pow": (lambda a, b: torch.pow(a, b), uniform, randn),
    }
    for op, (f, gen_a, gen_b) in binary.items():
        for sa, sb in BINARY_SHAPES:
            add_case(op,
                     lambda g, sa=sa, sb=sb, ga=gen_a, gb=gen_b: [("a", ga(g, sa)), ("b", gb(g, sb))],
                     lambda e, f=f: f(e["a"], e["b"]))

    # ---- pow_scalar ---------------------------------------------------------
    for shape, ex in [((3, 4), 2.0), ((5,), 0.5), ((2, 3, 2), -1.5), ((), 3.0)]:
        add_case("pow_scalar",
                 lambda g, s=shape: [("a", uniform(g, s))],
                 lambda e, ex=ex: torch.pow(e["a"], ex),
                 args={"exponent": ex})

    # ---- unary --------------------------------------------------------------
    unary = {
        "neg": (lambda x: -x, randn),
        "exp": (torch.exp, randn),
        "log": (torch.log, uniform),
        "sqrt": (torch.sqrt, uniform),
        "rsqrt": (torch.rsqrt, uniform),
        "tanh": (torch.tanh, lambda g, s: randn(g, s, 2.0)),
        "relu": (torch.relu, nonzero_randn),
        "gelu": (lambda x: F.gelu(x, approximate="none"), lambda g, s: randn(g, s, 2.0)),
        "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda g, s: randn(g, s, 2.0)),
        "silu": (F.silu, lambda g, s: randn(g, s, 2.0)),
        "sigmoid": (torch.sigmoid, lambda g, s: randn(g, s, 2.0)),
    }
    for op, (f, gen) in unary.items():
        for shape in [(), (7,), (2, 3, 4)]:
            add_case(op, lambda g, s=shape, gen=gen: [("x", gen(g, s))],
                     lambda e, f=f: f(e["x"]))

    # ---- sum / mean / amax / amin -------------------------------------------
    def reduce_dims(x, dims):
        return tuple(range(x.dim())) if dims is None else tuple(dims)

    red_specs = [
        ((3, 4), [1], False),
        ((2, 3, 4), [0, -1], True),
        ((2, 3), None, False),
        ((2, 3, 4), None, True),
        ((4, 1, 3), [-2], False),
    ]
    red_fns = {
        "sum": lambda x, d, k: torch.sum(x, dim=d, keepdim=k),
        "mean": lambda x, d, k: torch.mean(x, dim=d, keepdim=k),
        "amax": lambda x, d, k: torch.amax(x, dim=d, keepdim=k),
        "amin": lambda x, d, k: torch.amin(x, dim=d, keepdim=k),
    }
    for op, f in red_fns.items():
        gen = distinct if op in ("amax", "amin") else randn
        specs = list(red_specs)
        if op in ("sum", "mean"):
            specs.append(((2, 1100), [-1], False))
        for shape, dims, keep in specs:
            reduced = numel(shape) if dims is None else numel([shape[d] for d in dims])
            add_case(op, lambda g, s=shape, gen=gen: [("x", gen(g, s))],
                     lambda e, f=f, dims=dims, keep=keep: f(e["x"], reduce_dims(e["x"], dims), keep),
                     args={"dims": dims, "keepdim": keep}, tol=tol_for(reduced))

    # ---- argmax -------------------------------------------------------------
    for shape, dim, keep in [((3, 5), 1, False), ((2, 3, 4), 0, True), ((4, 6), -1, True), ((2, 3, 4), -2, False)]:
        add_case("argmax", lambda g, s=shape: [("x", distinct(g, s))],
                 lambda e, dim=dim, keep=keep: torch.argmax(e["x"], dim=dim, keepdim=keep).to(torch.float64),
                 args={"dim": dim, "keepdim": keep}, grads=[])

    # ---- var ----------------------------------------------------------------
    for shape, dims, corr, keep in [((3, 5), [1], 1, False),
                                    ((2, 3, 4), [0, 2], 0, True),
                                    ((3, 4), None, 1, False),
                                    ((2, 3, 4), [-2], 1, False),
                                    ((2, 1100), [-1], 0, True)]:
        reduced = numel(shape) if dims is None else numel([shape[d] for d in dims])
        add_case("var", lambda g, s=shape: [("x", randn(g, s))],
                 lambda e, dims=dims, corr=corr, keep=keep: torch.var(
                     e["x"], dim=reduce_dims(e["x"], dims), unbiased=(corr == 1), keepdim=keep),
                 args={"dims": dims, "correction": corr, "keepdim": keep}, tol=tol_for(reduced))

    # ---- matmul -------------------------------------------------------------
    for sa, sb in [((3, 4), (4, 5)),
                   ((2, 3, 4), (2, 4, 5)),
                   ((2, 1, 3, 4), (5, 4, 6)),
                   ((4,), (4, 3)),
                   ((3, 4), (4,)),
                   ((4,), (4,)),
                   ((2, 3, 4), (4, 5)),
                   ((4,), (2, 4, 3)),
                   ((3, 1100), (1100, 2))]:
        inner = sa[-1]
        add_case("matmul", lambda g, sa=sa, sb=sb: [("a", randn(g, sa)), ("b", randn(g, sb))],
                 lambda e: torch.matmul(e["a"], e["b"]), tol=tol_for(inner))

    # ---- softmax / log_softmax ----------------------------------------------
    for op, f in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        for shape, dim in [((3, 5), -1), ((2, 4, 3), 1), ((4, 3), 0), ((2, 3, 4), 2), ((2, 1200), -1)]:
            add_case(op, lambda g, s=shape: [("x", randn(g, s, 2.0))],
                     lambda e, f=f, dim=dim: f(e["x"], dim=dim),
                     args={"dim": dim}, tol=tol_for(shape[dim]))

    # ---- layer_norm ---------------------------------------------------------
    for shape, k, affine in [((2, 3, 8), 1, "wb"), ((4, 6), 1, ""), ((2, 3, 5), 2, "wb"),
                             ((3, 4, 5), 2, ""), ((3, 6), 1, "w")]:
        def mk(g, s=shape, k=k, affine=affine):
            ins = [("x", randn(g, s, 1.5) + 0.3)]
            ns = list(s[len(s) - k:])
            if "w" in affine:
                ins.append(("weight", randn(g, ns) * 0.5 + 1.0))
            if "b" in affine:
                ins.append(("bias", randn(g, ns) * 0.5))
            return ins

        def ln(e, s=shape, k=k):
            x = e["x"]
            return F.layer_norm(x, x.shape[x.dim() - k:], e.get("weight"), e.get("bias"), 1e-5)
        add_case("layer_norm", mk, ln, args={"normalized_dims": k, "eps": 1e-5})

    # ---- rms_norm -----------------------------------------------------------
    for shape, k, has_w in [((2, 3, 8), 1, True), ((4, 6), 1, False), ((2, 3, 5), 2, True), ((3, 4, 5), 2, False)]:
        def mk(g, s=shape, k=k, has_w=has_w):
            ins = [("x", randn(g, s, 1.5))]
            if has_w:
                ins.append(("weight", randn(g, list(s[len(s) - k:])) * 0.5 + 1.0))
            return ins

        def rms(e, k=k):
            x = e["x"]
            dims = tuple(range(x.dim() - k, x.dim()))
            y = x * torch.rsqrt(torch.mean(x * x, dim=dims, keepdim=True) + 1e-6)
            if "weight" in e:
                y = y * e["weight"]
            return y
        add_case("rms_norm", mk, rms, args={"normalized_dims": k, "eps": 1e-6})

    # ---- embedding ----------------------------------------------------------
    for V, D, ids in [(10, 4, [3, 1, 3, 7, 0, 9, 1, 3]),
                      (6, 5, [[0, 2, 2, 5, 1], [5, 5, 0, 3, 2]]),
                      (8, 3, [[[1, 1, 4], [7, 0, 1]], [[4, 6, 6], [2, 1, 7]]])]:
        add_case("embedding",
                 lambda g, V=V, D=D, ids=ids: [("weight", randn(g, (V, D))),
                                               ("ids", torch.tensor(ids, dtype=torch.int64))],
                 lambda e: F.embedding(e["ids"], e["weight"]),
                 int_inputs=["ids"], grads=["weight"])

    # ---- concat -------------------------------------------------------------
    for shapes, dim in [([(2, 3), (2, 5)], 1),
                        ([(1, 4), (3, 4), (2, 4)], 0),
                        ([(2, 3, 2), (2, 3, 4)], -1),
                        ([(2, 1, 3), (2, 2, 3), (2, 1, 3)], 1)]:
        add_case("concat",
                 lambda g, shapes=shapes: [("x%d" % i, randn(g, s)) for i, s in enumerate(shapes)],
                 lambda e, n=len(shapes), dim=dim: torch.cat([e["x%d" % i] for i in range(n)], dim=dim),
                 args={"dim": dim})

    # ---- split --------------------------------------------------------------
    for shape, dim, sizes in [((6, 4), 0, [2, 1, 3]), ((2, 7), 1, [3, 4]), ((2, 3, 5), -1, [1, 2, 2])]:
        add_case("split", lambda g, s=shape: [("x", randn(g, s))],
                 lambda e, dim=dim, sizes=sizes: list(torch.split(e["x"], sizes, dim=dim)),
                 args={"dim": dim, "sizes": sizes})

    # ---- stack --------------------------------------------------------------
    for shape, n, dim in [((3, 4), 2, 0), ((2, 3), 3, -1), ((2, 3), 2, 2), ((4,), 3, -2)]:
        add_case("stack",
                 lambda g, s=shape, n=n: [("x%d" % i, randn(g, s)) for i in range(n)],
                 lambda e, n=n, dim=dim: torch.stack([e["x%d" % i] for i in range(n)], dim=dim),
                 args={"dim": dim})

    # ---- where --------------------------------------------------------------
    for sc, sa, sb in [((3, 4), (3, 4), (3, 4)), ((3, 1), (3, 4), (4,)),
                       ((2, 3, 4), (), (3, 4)), ((4, 1), (1, 5), ())]:
        add_case("where",
                 lambda g, sc=sc, sa=sa, sb=sb: [("cond", mask01(g, sc)), ("a", randn(g, sa)), ("b", randn(g, sb))],
                 lambda e: torch.where(e["cond"] != 0, e["a"], e["b"]),
                 grads=["a", "b"])

    # ---- masked_fill --------------------------------------------------------
    causal = torch.triu(torch.ones(4, 4, dtype=torch.float32), diagonal=1)
    for sx, sm, value in [((3, 4), (3, 4), -1e9), ((2, 3, 4), (1, 3, 1), -1e9),
                          ((2, 3), (3,), 0.5), ((2, 4, 4), None, float("-inf"))]:
        def mk(g, sx=sx, sm=sm):
            return [("x", randn(g, sx)), ("mask", causal.clone() if sm is None else mask01(g, sm))]
        add_case("masked_fill", mk,
                 lambda e, value=value: e["x"].masked_fill(e["mask"] != 0, value),
                 args={"value": value}, grads=["x"])

    # ---- cross_entropy ------------------------------------------------------
    def ce_inputs(N, C, targets):
        def mk(g):
            t = list(targets) if targets is not None else ints(g, (N,), 0, C).tolist()
            return [("logits", randn(g, (N, C), 2.0)), ("targets", torch.tensor(t, dtype=torch.int64))]
        return mk

    for N, C, targets, ii, s in [(4, 5, [1, 0, 4, 2], -100, 0.0),
                                 (6, 5, [3, -100, 0, 4, -100, 1], -100, 0.1),
                                 (4, 6, [5, -100, 2, 2], -100, 0.0),
                                 (5, 4, [0, 2, 0, 3, 1], 0, 0.0),
                                 (5, 4, [1, 0, 3, 0, 2], 0, 0.1),
                                 (3, 1200, [17, 1199, 640], -100, 0.1)]:
        add_case("cross_entropy", ce_inputs(N, C, targets),
                 lambda e, ii=ii, s=s: F.cross_entropy(e["logits"], e["targets"], ignore_index=ii,
                                                       label_smoothing=s),
                 args={"ignore_index": ii, "label_smoothing": s},
                 int_inputs=["targets"], grads=["logits"], tol=tol_for(C))


# ----------------------------------------------------------------------------
# safetensors writer / reader
# ----------------------------------------------------------------------------

def json_safe(v):
    """Replace non-finite floats by strings so the header stays strict JSON."""
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_safe(x) for x in v]
    return v


def tensor_bytes(t):
    if t.dtype == torch.float32:
        return "F32", np.ascontiguousarray(t.numpy(), dtype="<f4").tobytes()
    if t.dtype == torch.int64:
        return "I64", np.ascontiguousarray(t.numpy(), dtype="<i8").tobytes()
    raise TypeError(t.dtype)


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    chunks = []
    off = 0
    for name, t in tensors:
        assert name not in header, "duplicate tensor name " + name
        dtype, data = tensor_bytes(t.contiguous())
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(data)]}
        chunks.append(data)
        off += len(data)
    hjson = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    pad = (-(8 + len(hjson))) % 8
    hjson += b" " * pad
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for c in chunks:
            f.write(c)


def verify(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    assert (8 + n) % 8 == 0, "header not 8-aligned"
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    meta = header.pop("__metadata__")
    assert list(meta.keys()) == ["cases"]
    cases = json.loads(meta["cases"])
    # offsets contiguous, in order, covering the data section exactly
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    pos = 0
    itemsize = {"F32": 4, "I64": 8}
    for name, e in entries:
        b, en = e["data_offsets"]
        assert b == pos, (name, b, pos)
        assert en - b == itemsize[e["dtype"]] * numel(e["shape"]), name
        pos = en
    assert pos == len(data), (pos, len(data))
    # every case's tensors are present with the expected dtypes
    for c in cases:
        C = c["name"]
        for i in c["inputs"]:
            want = "I64" if i in c["int_inputs"] else "F32"
            assert header[C + "." + i]["dtype"] == want, (C, i)
        for o in c["outputs"]:
            assert header[C + "." + o]["dtype"] == "F32"
            if c["grads"]:
                assert header[C + ".g_" + o]["shape"] == header[C + "." + o]["shape"]
        for gname in c["grads"]:
            assert header[C + ".grad_" + gname]["shape"] == header[C + "." + gname]["shape"]
        assert c["tol"] in (TOL_SMALL, TOL_LARGE)
    expected = sum(len(c["inputs"]) + len(c["outputs"]) * (2 if c["grads"] else 1) + len(c["grads"])
                   for c in cases)
    assert expected == len(header), (expected, len(header))
    return cases, header, len(blob)


def main():
    torch.set_num_threads(1)  # keep float64 reductions bit-reproducible
    define_cases()
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))
    metas, tensors = [], []
    for case in CASES:
        m, ts = run_case(case)
        metas.append(json_safe(m))
        tensors.extend(ts)
    cases_json = json.dumps(metas, separators=(",", ":"), allow_nan=False)
    write_safetensors(OUT_PATH, tensors, {"cases": cases_json})

    cases, header, size = verify(OUT_PATH)
    per_op = Counter(c["op"] for c in cases)
    print("wrote %s" % os.path.relpath(OUT_PATH, REPO_ROOT))
    print("  %d cases, %d tensors, %d bytes" % (len(cases), len(header), size))
    print("  cases per op: " + ", ".join("%s=%d" % kv for kv in per_op.items()))
    print("  tol 1e-4 cases: " + ", ".join(c["name"] for c in cases if c["tol"] == TOL_LARGE))
    return 0


if __name__ == "__main__":
    sys.exit(main())

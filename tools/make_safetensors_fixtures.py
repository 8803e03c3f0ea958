#!/usr/bin/python3
"""Write the safetensors dtype fixture: raw bytes from PyTorch, with PyTorch's own float32 conversion.

Writes ``src/test/resources/fixtures/torch-dtypes.safetensors`` (relative to the repo root) holding, for
each dtype ``D`` in float16, bfloat16, float32, float64, int64, int32, int16, int8, uint8 and bool:

* ``D``          a small tensor created in torch with that dtype, its bytes taken from torch itself
                 (``t.numpy().tobytes()``; bfloat16, which numpy lacks, through ``t.view(torch.int16)``),
* ``D.as_f32``   ``t.float()``: torch's conversion to float32, the values the Java reader must produce.

The float tensors hold the special values (inf, -inf, NaN, -0.0, the largest finite value, the smallest
normal, subnormals) and ordinary ones; the integer tensors hold their type's extremes and values that
float32 must round (2**24 + 1, 2**53 + 1, ...). Also a rank-0 tensor ``scalar`` and a zero-size tensor
``empty`` of shape (0, 3). ``__metadata__`` holds ``format`` and, for each integer tensor, ``D.values``: its
exact values as comma-separated decimals, so the Java test checks exact integer loading without torch.

The file is written by hand as the safetensors format specifies (no ``safetensors`` package needed):
8-byte little-endian header length N, N bytes of UTF-8 JSON (entries in insertion order, padded with
spaces so that N is a multiple of 8), then the contiguous little-endian data. The output is deterministic
(byte-identical across runs). Regenerate from the repo root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/make_safetensors_fixtures.py
"""

import json
import math
import os
import struct
import sys

import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "torch-dtypes.safetensors")

INF = float("inf")
NAN = float("nan")

DTYPE_NAMES = {
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def float_values(dtype):
    """Specials and ordinary values, as torch stores them in ``dtype`` (Python floats are rounded by torch)."""
    info = torch.finfo(dtype)
    tiny = info.tiny  # smallest normal
    # The smallest subnormal: 2**(min_exp - 1 - mantissa_bits); finfo has no field for it in torch 1.13.
    mantissa_bits = {torch.float16: 10, torch.bfloat16: 7, torch.float32: 23, torch.float64: 52}[dtype]
    min_sub = math.ldexp(1.0, int(math.log2(tiny)) - mantissa_bits)
    values = [
        0.0, -0.0, 1.0, -1.0, 0.1, -2.5, 1.0 / 3.0, 1000.125,
        info.max, -info.max, INF, -INF, NAN,
        tiny, -tiny, min_sub, -min_sub, min_sub * 3, tiny / 2,
        info.eps, 1.0 + info.eps, 65519.0 if dtype != torch.float16 else 65504.0, 7.0e-6, 123.456,
    ]
    if dtype == torch.float64:
        # Values float32 must round: beyond its range, below its subnormals, and between two floats.
        values[-4:] = [1e300, 1e-300, 1.0 + 2.0 ** -30, 3.4028235677973366e38]
    return torch.tensor(values, dtype=torch.float64).to(dtype).reshape(4, 6)


def int_values(dtype):
    info = torch.iinfo(dtype)
    common = [0, 1, -1, 2, 127, -128, info.max, info.min]
    if dtype == torch.int64:
        extra = [2 ** 24 + 1, 2 ** 53 + 1, -(2 ** 53) - 1, 123456789012345678, -987654321098765432, 42, 50256, -7]
    elif dtype == torch.int32:
        extra = [2 ** 24 + 1, -(2 ** 24) - 1, 16777219, 1000000007, -2147483647, 42, 50256, -7]
    elif dtype == torch.int16:
        extra = [256, -256, 1000, -1000, 32766, -32767, 42, -7]
    elif dtype == torch.int8:
        extra = [64, -64, 100, -100, 126, -127, 42, -7]
    else:  # uint8
        common = [0, 1, 2, 127, 128, 200, info.max, info.min]
        extra = [3, 4, 5, 64, 100, 254, 42, 7]
    return torch.tensor(common + extra, dtype=dtype).reshape(2, 8)


def raw_bytes(t):
    """The tensor's bytes as torch lays them out (little-endian on every platform torch runs on here)."""
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def build():
    tensors = []  # (name, tensor), insertion order = header order = data order
    version = torch.__version__.split("+")[0]
    metadata = {"format": "pt", "source": "tools/make_safetensors_fixtures.py, torch " + version}
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        name = DTYPE_NAMES[dtype]
        t = float_values(dtype)
        tensors.append((name, t))
        tensors.append((name + ".as_f32", t.float()))
    for dtype in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        name = DTYPE_NAMES[dtype]
        t = int_values(dtype)
        tensors.append((name, t))
        tensors.append((name + ".as_f32", t.float()))
        metadata[name + ".values"] = ",".join(str(v) for v in t.flatten().tolist())
    b = torch.tensor([[True, False, True], [False, False, True]], dtype=torch.bool)
    tensors.append(("BOOL", b))
    tensors.append(("BOOL.as_f32", b.float()))
    metadata["BOOL.values"] = ",".join(str(int(v)) for v in b.flatten().tolist())
    tensors.append(("scalar", torch.tensor(-1.5, dtype=torch.float16)))
    tensors.append(("scalar.as_f32", torch.tensor(-1.5, dtype=torch.float16).float()))
    tensors.append(("empty", torch.zeros(0, 3, dtype=torch.bfloat16)))
    return tensors, metadata


def serialize(tensors, metadata):
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, t in tensors:
        b = raw_bytes(t)
        assert len(b) == t.numel() * t.element_size(), name
        header[name] = {
            "dtype": DTYPE_NAMES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [len(data), len(data) + len(b)],
        }
        data += b
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(data)


def check(blob, tensors):
    """Re-reads the file: header well formed, data tiled exactly, bytes equal to torch's."""
    (n,) = struct.unpack("<Q", blob[:8])
    assert n % 8 == 0
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    end = 0
    for name, t in tensors:
        entry = header[name]
        begin, stop = entry["data_offsets"]
        assert begin == end, name
        assert data[begin:stop] == raw_bytes(t), name
        end = stop
    assert end == len(data)


def main():
    if sys.byteorder != "little":
        sys.exit("this script writes the bytes as torch holds them; it needs a little-endian machine")
    tensors, metadata = build()
    blob = serialize(tensors, metadata)
    check(blob, tensors)
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "wb") as f:
        f.write(blob)
    print(f"wrote {os.path.relpath(OUT_PATH, REPO_ROOT)}: {len(tensors)} tensors, {len(blob)} bytes")
    for name, t in tensors:
        if not name.endswith(".as_f32"):
            print(f"  {name:8s} {DTYPE_NAMES[t.dtype]:5s} {tuple(t.shape)}")


if __name__ == "__main__":
    main()

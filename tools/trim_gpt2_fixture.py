"""Trims the HF GPT-2 fixture (../shared/fixtures/hf/gpt2-tiny: random weights saved by HF transformers
5.17 with reference logits and greedy continuations) to the tokens its prompts and continuations use,
so the repository keeps a 100 KB fixture instead of 16 MB.

The vocabulary becomes the sorted set U of token ids that occur in the prompts or the greedy
continuations; wte keeps those rows, every other tensor is copied unchanged under its HF key. Because
the output projection is tied to wte, the trimmed model's logits are exactly the reference logits at
the columns U, and greedy decoding over U picks the same tokens (each greedy token is in U and is the
maximum over the whole vocabulary). Hidden states after ln_f do not depend on the vocabulary at all.

Writes src/test/resources/fixtures/hf/gpt2-tiny-trimmed/{config.json, model.safetensors,
reference.json, reference.safetensors}. Run from the repository root:
    /usr/bin/python3 tools/trim_gpt2_fixture.py [path/to/shared/fixtures/hf/gpt2-tiny]
"""
import json
import os
import struct
import sys

import numpy as np

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures/hf/gpt2-tiny"
OUT = "src/test/resources/fixtures/hf/gpt2-tiny-trimmed"
DTYPES = {"F32": np.float32, "I64": np.int64}


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(data[b:e], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
    return out, header.get("__metadata__")


def write(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for k, a in tensors.items():
        a = np.ascontiguousarray(a, dtype=np.float32)
        raw = a.tobytes()
        header[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = json.load(open(os.path.join(SRC, "reference.json")))
    used = sorted({t for p in ref["prompts"] for t in p["input_ids"] + p["greedy_ids"]})
    index = {t: i for i, t in enumerate(used)}
    weights, meta = read(os.path.join(SRC, "model.safetensors"))
    weights["transformer.wte.weight"] = weights["transformer.wte.weight"][used]
    write(os.path.join(OUT, "model.safetensors"), weights, meta)
    config = json.load(open(os.path.join(SRC, "config.json")))
    config["vocab_size"] = len(used)
    json.dump(config, open(os.path.join(OUT, "config.json"), "w"), indent=2, sort_keys=True)
    logits, _ = read(os.path.join(SRC, "reference.safetensors"))
    trimmed = {}
    for i in range(len(ref["prompts"])):
        trimmed[f"logits.{i}"] = logits[f"logits.{i}"][:, used]
        trimmed[f"hidden_last.{i}"] = logits[f"hidden_last.{i}"]
    write(os.path.join(OUT, "reference.safetensors"), trimmed)
    prompts = [{"text": p["text"], "input_ids": [index[t] for t in p["input_ids"]],
                "greedy_ids": [index[t] for t in p["greedy_ids"]],
                "original_input_ids": p["input_ids"], "original_greedy_ids": p["greedy_ids"],
                "original_greedy_text": p["greedy_text"]} for p in ref["prompts"]]
    json.dump({"vocabulary": used, "prompts": prompts, "source": "trimmed from HF transformers "
               + ref.get("transformers", "?") + " reference"}, open(os.path.join(OUT, "reference.json"), "w"), indent=1)
    print(f"{len(used)} tokens kept; wrote {OUT}")


main()

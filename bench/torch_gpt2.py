#!/usr/bin/env python3
"""PyTorch CPU peer for transformer4j's `t4j bench train|forward|decode`: a minimal GPT-2 (written here,
no transformers package) with random weights, timed the same way (median of timed repetitions after
warm-up). Prints one JSON object. Run by bench/peers.py; usable alone:

    python3 bench/torch_gpt2.py train --batch 4 --seq 256 --steps 5
    python3 bench/torch_gpt2.py forward --batch 1 --seq 1024
    python3 bench/torch_gpt2.py decode --positions 0,1000
    python3 bench/torch_gpt2.py save DIR    # the random model as a Hugging Face GPT-2 folder (for t4j and Jlama)
"""
import argparse, json, math, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, ctx):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)
        self.register_buffer("mask", torch.tril(torch.ones(ctx, ctx, dtype=torch.bool)), persistent=False)

    def attn(self, x, cache):
        b, t, d = x.shape
        hd = d // self.heads
        q, k, v = self.c_attn(x).split(d, dim=2)
        q = q.view(b, t, self.heads, hd).transpose(1, 2)  # (B, h, T, hd)
        k = k.view(b, t, self.heads, hd).transpose(1, 2)
        v = v.view(b, t, self.heads, hd).transpose(1, 2)
        past = 0
        if cache is not None:
            if cache:
                past = cache[0].shape[2]
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            cache[:] = [k, v]
        tk = k.shape[2]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))  # (B, h, T, Tk)
        if t > 1:
            att = att.masked_fill(~self.mask[past:past + t, :tk], float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(b, t, d))

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.proj(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class GPT2(nn.Module):
    def __init__(self, vocab=50257, ctx=1024, d=768, layers=12, heads=12):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(ctx, d)
        self.h = nn.ModuleList(Block(d, heads, ctx) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, caches=None):
        past = caches[0][0].shape[2] if caches is not None and caches[0] else 0
        pos = torch.arange(past, past + ids.shape[1])
        x = self.wte(ids) + self.wpe(pos)
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.t()  # tied LM head, (B, T, vocab)


def save_hf(model, out, tokenizer_json):
    """Writes config.json and model.safetensors with GPT2Model's names (no "transformer." prefix; Conv1D weights
    stored (in, out)), plus a copy of a GPT-2 tokenizer.json when one is given (Jlama's loader needs it)."""
    import os, shutil, struct
    os.makedirs(out, exist_ok=True)
    tensors = {"wte.weight": model.wte.weight, "wpe.weight": model.wpe.weight,
               "ln_f.weight": model.ln_f.weight, "ln_f.bias": model.ln_f.bias}
    for i, b in enumerate(model.h):
        for hf, mod, conv in [("ln_1", b.ln_1, False), ("attn.c_attn", b.c_attn, True), ("attn.c_proj", b.c_proj, True),
                              ("ln_2", b.ln_2, False), ("mlp.c_fc", b.fc, True), ("mlp.c_proj", b.proj, True)]:
            tensors["h.%d.%s.weight" % (i, hf)] = mod.weight.t() if conv else mod.weight
            tensors["h.%d.%s.bias" % (i, hf)] = mod.bias
    header, blobs, pos = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for d in blobs:
            f.write(d)
    config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
              "vocab_size": 50257, "n_positions": 1024, "n_ctx": 1024, "n_embd": 768, "n_layer": 12, "n_head": 12,
              "n_inner": None, "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256,
              "tie_word_embeddings": True, "attn_pdrop": 0.0, "embd_pdrop": 0.0, "resid_pdrop": 0.0}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    if tokenizer_json and os.path.exists(tokenizer_json):
        shutil.copy(tokenizer_json, os.path.join(out, "tokenizer.json"))


def timed(warmup, reps, fn):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["train", "forward", "decode", "save"])
    ap.add_argument("dir", nargs="?", help="save: the folder to write")
    ap.add_argument("--tokenizer", default="/work/shared/fixtures/hf/gpt2-tiny/tokenizer.json",
                    help="save: a GPT-2 tokenizer.json to copy next to the weights")
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--seq", type=int, default=None)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--positions", default="0,1000")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = GPT2()
    vocab = 50257
    if a.mode == "save":
        save_hf(model, a.dir, a.tokenizer)
        return
    res = {"bench": a.mode, "torch": torch.__version__, "threads": torch.get_num_threads()}
    if a.mode == "train":
        b, t = a.batch or 4, a.seq or 256
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
        model.train()

        def step():
            x = torch.randint(vocab, (b, t))
            y = torch.randint(vocab, (b, t))
            loss = F.cross_entropy(model(x).view(-1, vocab), y.view(-1))
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
        s = timed(a.warmup, a.steps, step)
        res.update(tokens_per_s=b * t / statistics.median(s), s_per_step=statistics.median(s), steps_s=s, batch=b, seq=t)
    elif a.mode == "forward":
        b, t = a.batch or 1, a.seq or 1024
        model.eval()
        x = torch.randint(vocab, (b, t))
        with torch.no_grad():
            s = timed(a.warmup, a.reps, lambda: model(x))
        res.update(tokens_per_s=b * t / statistics.median(s), s_per_pass=statistics.median(s), passes_s=s, batch=b, seq=t)
    else:
        model.eval()
        positions = [int(p) for p in a.positions.split(",")]
        warmup, reps = max(a.warmup, 4), max(a.reps, 16)
        with torch.no_grad():
            for i, p in enumerate(positions):
                caches = [[] for _ in model.h]
                if p > 0:
                    model(torch.randint(vocab, (1, p)), caches)
                s = timed(warmup, reps, lambda: model(torch.randint(vocab, (1, 1)), caches))
                speed = 1 / statistics.median(s)
                if i == 0:
                    res["tokens_per_s"] = speed
                res[f"tokens_per_s_at_{p}"] = speed
        res["batch"] = 1
    print(json.dumps(res))


if __name__ == "__main__":
    main()

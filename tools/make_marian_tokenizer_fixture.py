#!/usr/bin/env python3
"""Reference ids and texts of Hugging Face's MarianTokenizer, for tokenizer/MarianTokenizerTest.

Builds an Opus-MT-style tokenizer folder in ``src/test/resources/fixtures/marian-tokenizer/`` from the
SentencePiece fixtures (run tools/make_sentencepiece_fixtures.py first; the two .spm copies are deleted at the
end, the tests copy them back from fixtures/sentencepiece):

* ``source.spm`` = ``fixtures/sentencepiece/unigram.model`` (nmt_nfkc), ``target.spm`` = ``bpe.model``;
* ``vocab.json``: ``</s>`` 0, ``<unk>`` 1, the language codes ``>>deu<<`` and ``>>eng<<``, then the pieces of
  both models except every seventh unigram piece (so some source pieces have no id and become ``<unk>``),
  ``<pad>`` last, as Opus-MT's vocabularies are laid out;
* ``tokenizer_config.json`` with the special tokens and ``separate_vocabs: false``.

``reference.json`` holds, for texts with language codes, special tokens written in the text, unknown
characters and odd whitespace: ``input_ids`` of ``tokenizer(text)``; and for id sequences (the ids of those
texts, and random ones with specials mixed in): ``tokenizer.decode(ids, skip_special_tokens=True)`` and
``tokenizer.decode(ids)``.

MarianTokenizer needs transformers and sentencepiece; with the wheels this machine has on disk:
    /usr/bin/python3 -m venv --system-site-packages /tmp/hfvenv
    /tmp/hfvenv/bin/pip install --no-index --find-links /opt/pypi/files "transformers==5.17.0"
    /tmp/hfvenv/bin/python tools/make_marian_tokenizer_fixture.py
"""
import json
import os
import random
import shutil

import sentencepiece as spm
import transformers
from transformers import MarianTokenizer

SPM = "src/test/resources/fixtures/sentencepiece"
OUT = "src/test/resources/fixtures/marian-tokenizer"

TEXTS = [
    "Guten Morgen!", "Das Haus ist groß.", ">>deu<< Good morning", ">>eng<<Guten Tag", ">>xyz<< unknown code",
    "Hallo </s> Welt", "<unk> am Anfang", "zwei<pad>drei", "  viele   Leerzeichen  ", "", " ", "Straße Äpfel über",
    "漢字 mitten drin 😀", "Ｆｕｌｌｗｉｄｔｈ ﬁnden", "no\u00a0break and tab\there", ">>deu<<", "a >>deu<< b",
    "Er sagte: \"Das ist's.\" Oder nicht?", "1234 5678,90 €", "</s></s>", "x" * 30,
]


def main():
    os.makedirs(OUT, exist_ok=True)
    shutil.copy(os.path.join(SPM, "unigram.model"), os.path.join(OUT, "source.spm"))
    shutil.copy(os.path.join(SPM, "bpe.model"), os.path.join(OUT, "target.spm"))
    vocab = {"</s>": 0, "<unk>": 1, ">>deu<<": 2, ">>eng<<": 3}
    source = spm.SentencePieceProcessor(model_file=os.path.join(OUT, "source.spm"))
    target = spm.SentencePieceProcessor(model_file=os.path.join(OUT, "target.spm"))
    for i in range(source.get_piece_size()):
        piece = source.id_to_piece(i)
        if i % 7 != 3 and not source.is_control(i) and not source.is_unknown(i):
            vocab.setdefault(piece, len(vocab))
    for i in range(target.get_piece_size()):
        if not target.is_control(i) and not target.is_unknown(i):
            vocab.setdefault(target.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    with open(os.path.join(OUT, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>", "separate_vocabs": False,
                   "model_max_length": 512, "source_lang": "de", "target_lang": "en"}, f, indent=1)

    tok = MarianTokenizer.from_pretrained(OUT)
    encoded = [{"text": t, "input_ids": tok(t)["input_ids"]} for t in TEXTS]
    rng = random.Random(7)
    id_lists = [e["input_ids"] for e in encoded]
    for _ in range(30):
        ids = [rng.randrange(len(vocab)) for _ in range(rng.randrange(1, 15))]
        ids.insert(rng.randrange(len(ids) + 1), rng.choice([0, 1, len(vocab) - 1]))
        id_lists.append(ids)
    decoded = [{"ids": ids, "skip_special_tokens": tok.decode(ids, skip_special_tokens=True),
                "with_special_tokens": tok.decode(ids)} for ids in id_lists]
    with open(os.path.join(OUT, "reference.json"), "w", encoding="utf-8") as f:
        json.dump({"made_with": "transformers " + transformers.__version__ + ", sentencepiece " + spm.__version__,
                   "encode": encoded, "decode": decoded}, f, ensure_ascii=False, indent=1)
    for name in ("source.spm", "target.spm"):
        os.remove(os.path.join(OUT, name))


if __name__ == "__main__":
    main()

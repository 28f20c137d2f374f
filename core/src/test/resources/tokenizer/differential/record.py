"""Records what Hugging Face computes for random and adversarial text, once, for DifferentialTokenizerTest.

Run from the repository root with transformers 5.18, tokenizers 0.23 and sentencepiece (the local package index):
    python core/src/test/resources/tokenizer/differential/record.py
It writes one <name>.json.gz per tokenizer folder next to this file. The strings come from a seeded generator, so a
rerun writes the same files; the Java test reads the strings from the files, never regenerates them.
"""
import gzip
import json
import os
import random
import shutil
import sys
import tempfile

import tokenizers
import transformers
from transformers import AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../../../../.."))
FAMILIES = os.path.join(ROOT, "testdata/fixtures/families")
TOKENIZERS = os.path.join(ROOT, "core/src/test/resources/tokenizer")

# name -> (folder, files to drop before loading: a folder without tokenizer.json is converted by transformers)
FOLDERS = {
    "minilm": (os.path.join(TOKENIZERS, "all-MiniLM-L6-v2"), []),
    "bert-uncased-vocab": (os.path.join(TOKENIZERS, "tiny-uncased"), []),
    "bert-cased-vocab": (os.path.join(TOKENIZERS, "tiny-cased"), []),
    "distilbert": (os.path.join(FAMILIES, "distilbert/seq-cls"), []),
    "electra": (os.path.join(FAMILIES, "electra/token-cls"), []),
    "roberta": (os.path.join(FAMILIES, "roberta/seq-cls"), []),
    "roberta-prefix-space": (os.path.join(FAMILIES, "roberta/token-cls"), []),
    "roberta-vocab-merges": (os.path.join(FAMILIES, "roberta/seq-cls"), ["tokenizer.json"]),
    "xlm-roberta": (os.path.join(FAMILIES, "xlm-roberta/seq-cls"), []),
    "xlm-roberta-spm": (os.path.join(FAMILIES, "xlm-roberta/seq-cls"), ["tokenizer.json"]),
    "deberta-v2": (os.path.join(FAMILIES, "deberta-v2/seq-cls"), []),
    "deberta-v2-spm": (os.path.join(FAMILIES, "deberta-v2/seq-cls"), ["tokenizer.json"]),
    "modernbert": (os.path.join(FAMILIES, "modernbert/seq-cls"), []),
}

TEXTS, PAIRS, WORD_LISTS = 2000, 300, 300

# The minimal inputs (issue 26), recorded for every tokenizer.
EXAMPLE_TEXTS = [
    "\u1100\u1161", "o\u0308\u0301", "\u1de0\u1abf", "\u2c5f\u9eaf", "a\u0870b", "\u01c8\u0cf3", "\ua7f2\u0362",
    "\U0001F600 ok", "\u2019", "a" + "\u0301\u0323" * 2000, "x" * 3000, "thequickbrownfox" * 200,
]
EXAMPLE_PAIRS = [("x x x x x x x", "y y y y y y", 6),
                 ("the quick brown fox jumps over the lazy dog " * 22, "a stitch in time saves nine " * 25, 128)]
EXAMPLE_WORDS = [["199"], ["New", "York"], ["\U0001F600", "ok"]]


def ranges(*pairs):
    return [c for lo, hi in pairs for c in range(lo, hi + 1) if not 0xD800 <= c <= 0xDFFF]


POOLS = {
    "ascii": ranges((0x61, 0x7A), (0x41, 0x5A), (0x30, 0x39)),
    "punct": [ord(c) for c in ".,!?'\"-()$%&@#;:/\\*+=<>[]{}^_`|~"],
    "latin": ranges((0xC0, 0x24F), (0x1E00, 0x1EFF), (0x1C4, 0x1CC)),
    "marks": ranges((0x300, 0x36F), (0x1AB0, 0x1ACE), (0x1DC0, 0x1DFF), (0x20D0, 0x20F0), (0xFE20, 0xFE2F),
                    (0x1E030, 0x1E06D)),
    "greek-cyrillic": ranges((0x370, 0x3FF), (0x400, 0x52F), (0x530, 0x58F)),
    "cjk": ranges((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x3040, 0x30FF), (0x20000, 0x2A6DF), (0x30000, 0x3134A),
                  (0x31350, 0x323AF), (0xF900, 0xFAFF)),
    "hangul": ranges((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)),
    "scripts": ranges((0x600, 0x6FF), (0x870, 0x8FF), (0x590, 0x5FF), (0x900, 0x97F), (0xE00, 0xE7F),
                      (0xC80, 0xCF3), (0xB80, 0xBFF), (0x1780, 0x17FF), (0x10D0, 0x10FF), (0x2C00, 0x2C5F),
                      (0xA720, 0xA7FF), (0x11000, 0x1107F), (0x1E900, 0x1E95F), (0x16A40, 0x16ACF)),
    "emoji": ranges((0x1F300, 0x1F64F), (0x1F900, 0x1F9FF), (0x1FA70, 0x1FAFF), (0x1F3FB, 0x1F3FF),
                    (0x1F1E6, 0x1F1FF), (0x200D, 0x200D), (0xFE0F, 0xFE0F), (0x2600, 0x27BF)),
    "compat": ranges((0x1D400, 0x1D7FF), (0xFF01, 0xFF5E), (0xFB00, 0xFB06), (0x2460, 0x24FF), (0x3300, 0x33FF),
                     (0x2100, 0x214F), (0x2150, 0x218B), (0xB2, 0xBE), (0x2070, 0x209F)),
    "space-control": ranges((0x0, 0x1F), (0x7F, 0xA0), (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x2064),
                            (0x3000, 0x3000), (0xFEFF, 0xFEFF), (0xFFFD, 0xFFFD), (0xE000, 0xE010), (0x1680, 0x1680),
                            (0x180E, 0x180E), (0xAD, 0xAD), (0x34F, 0x34F)),
    "any": None,
}
WEIGHTS = {"ascii": 30, "punct": 6, "latin": 8, "marks": 6, "greek-cyrillic": 4, "cjk": 6, "hangul": 5,
           "scripts": 7, "emoji": 6, "compat": 5, "space-control": 5, "any": 4}
SPECIALS = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "<s>", "</s>", "<mask>", "<unk>", "<pad>"]


def code_point(rng, pool):
    if pool == "any":
        while True:
            c = rng.choice([rng.randint(0x80, 0xFFFF), rng.randint(0x10000, 0x3FFFF), rng.randint(0xE0000, 0xE01EF)])
            if not 0xD800 <= c <= 0xDFFF:
                return c
    return rng.choice(POOLS[pool])


def segment(rng):
    pool = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    if rng.random() < 0.03:
        return rng.choice(SPECIALS)
    length = rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 14])
    return "".join(chr(code_point(rng, pool)) for _ in range(length))


def text(rng, segments=None):
    out = []
    for _ in range(segments or rng.randint(1, 8)):
        out.append(segment(rng))
        out.append(rng.choice([" ", " ", " ", " ", "", "", "  ", "\t", "\n", "\u00a0", "\u3000"]))
    s = "".join(out)
    if rng.random() < 0.5:
        s = s.strip()
    return s


def words(rng):
    out = []
    for _ in range(rng.randint(1, 6)):
        w = segment(rng)
        if rng.random() < 0.7:
            w = w.strip() or "w"
        out.append(w)
    return out


def load(name):
    folder, drop = FOLDERS[name]
    if not drop:
        return AutoTokenizer.from_pretrained(folder), folder
    copy = tempfile.mkdtemp(prefix="jbert-tok-")
    for f in os.listdir(folder):
        if f not in drop and not f.endswith((".safetensors", ".bin")):
            shutil.copy(os.path.join(folder, f), copy)
    return AutoTokenizer.from_pretrained(copy), folder


def encode_text(tok, s):
    e = tok(s, return_offsets_mapping=True)
    return {"text": s, "ids": e["input_ids"], "tokens": e.tokens(), "offsets": [list(o) for o in e["offset_mapping"]]}


def encode_pair(tok, a, b, max_length):
    e = tok(a, b, truncation="longest_first", max_length=max_length)
    out = {"text": a, "text_pair": b, "max_length": max_length, "ids": e["input_ids"]}
    if "token_type_ids" in e:
        out["token_type_ids"] = e["token_type_ids"]
    return out


def encode_words(tok, ws):
    e = tok(ws, is_split_into_words=True)
    return {"words": ws, "ids": e["input_ids"], "tokens": e.tokens(),
            "word_ids": [-1 if w is None else w for w in e.word_ids()]}


def record(name):
    tok, folder = load(name)
    rng = random.Random("jbert-differential-" + name)
    texts = EXAMPLE_TEXTS + [text(rng) for _ in range(TEXTS)]
    pairs = EXAMPLE_PAIRS + [(text(rng, rng.randint(3, 30)), text(rng, rng.randint(3, 30)), rng.randint(4, 40))
                             for _ in range(PAIRS)]
    word_lists = EXAMPLE_WORDS + [words(rng) for _ in range(WORD_LISTS)]
    doc = {
        "tokenizer": name,
        "folder": os.path.relpath(folder, ROOT),
        "loaded_without": FOLDERS[name][1],
        "made_by": f"transformers {transformers.__version__}, tokenizers {tokenizers.__version__}, "
                   f"Python {sys.version.split()[0]}",
        "offsets": "code points, as Python reports them; [0, 0] for special tokens",
        "word_ids": "-1 for special tokens",
        "texts": [encode_text(tok, s) for s in texts],
        "pairs": [encode_pair(tok, a, b, n) for a, b, n in pairs],
        "words": [encode_words(tok, ws) for ws in word_lists],
    }
    with gzip.GzipFile(os.path.join(HERE, name + ".json.gz"), "wb", mtime=0) as f:
        f.write(json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode("ascii"))
    print(name, len(doc["texts"]), "texts", len(doc["pairs"]), "pairs", len(doc["words"]), "word lists")


if __name__ == "__main__":
    for n in sys.argv[1:] or FOLDERS:
        record(n)

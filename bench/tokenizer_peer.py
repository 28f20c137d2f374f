"""The peer column of TokenizerBench: the same inputs through Hugging Face tokenizers, timed the same way (the random
words differ from Java's, drawn alike).

Usage: python bench/tokenizer_peer.py BPE_TOKENIZER_DIR WORDPIECE_TOKENIZER_DIR SENTENCES_TSV
"""
import random
import string
import sys
import time

from tokenizers import Tokenizer


def report(what, work):
    work()
    work()
    best, tokens = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        tokens = work()
        best = min(best, time.perf_counter() - start)
    print(f"{what:<60} {best:9.4f} s  ({tokens} tokens)")


def word(rng, letters):
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(letters))


def main(bpe_dir, word_piece_dir, tsv):
    bpe = Tokenizer.from_file(bpe_dir + "/tokenizer.json")
    word_piece = Tokenizer.from_file(word_piece_dir + "/tokenizer.json")
    for t in (bpe, word_piece):
        t.no_truncation()
        t.no_padding()
    rng = random.Random(26)
    for letters in (20_000, 40_000, 100_000):
        report(f"byte-level BPE, one word of {letters} letters", lambda: len(bpe.encode(word(rng, letters)).ids))
    marks = "a" + "\u0301\u0323" * 10_000
    report("WordPiece, a letter and 10,000 pairs of combining marks", lambda: len(word_piece.encode(marks).ids))
    sentences = [line.rstrip("\n").split("\t", 1)[0] for line in open(tsv, encoding="utf-8")]
    for name, t in (("WordPiece", word_piece), ("byte-level BPE", bpe)):
        report(f"{name}, {len(sentences)} sentences", lambda: sum(len(t.encode(s).ids) for s in sentences))


if __name__ == "__main__":
    main(*sys.argv[1:])

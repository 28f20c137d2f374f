"""Extracts the Unicode normalization tables tokenizers uses, for jbert's Unicode9Normalization.

tokenizers 0.23 normalizes NFD/NFC/NFKD/NFKC with the crate unicode-normalization-alignments 0.1.12, whose tables are
Unicode 9.0.0 (Java 17's java.text.Normalizer is Unicode 13). This reads that crate's src/tables.rs (from the crate
source, github.com/n1t0/unicode-normalization at 9ca6960) and writes the resource jbert loads:
    python core/tools/unicode9_normalization_tables.py path/to/tables.rs \
        core/src/main/resources/dev/jbert/core/tokenizer/unicode-9-normalization.txt.gz
Lines: "c CP CLASS" canonical combining class, "d CP CP..." full canonical decomposition, "k CP CP..." full
compatibility decomposition, "p FIRST SECOND COMPOSED" primary composition (Hangul is algorithmic, not listed).
"""
import gzip
import re
import sys


def section(text, name):
    start = text.index(name)
    return text[start:text.index("];", start)]


def main(tables, out):
    text = open(tables, encoding="utf-8").read()
    assert "UNICODE_VERSION: (u64, u64, u64) = (9, 0, 0)" in text
    lines = ["# unicode-normalization-alignments 0.1.12 tables (Unicode 9.0.0), as tokenizers 0.23 normalizes"]
    for kv in re.findall(r"0x([0-9A-Fa-f]+),", section(text, "CANONICAL_COMBINING_CLASS_KV")):
        v = int(kv, 16)
        lines.append(f"c {v >> 8:X} {v & 0xFF}")
    for tag, name in (("d", "CANONICAL_DECOMPOSED_KV"), ("k", "COMPATIBILITY_DECOMPOSED_KV")):
        for key, chars in re.findall(r"\(0x([0-9A-Fa-f]+), &\[([^\]]*)\]\)", section(text, name)):
            cps = [int(c, 16) for c in re.findall(r"\\u\{([0-9A-Fa-f]+)\}", chars)]
            lines.append(f"{tag} {int(key, 16):X} " + " ".join(f"{c:X}" for c in cps))
    for key, composed in re.findall(r"\(0x([0-9A-Fa-f]+), '\\u\{([0-9A-Fa-f]+)\}'\)", section(text, "COMPOSITION_TABLE_KV")):
        k = int(key, 16)
        lines.append(f"p {k >> 16:X} {k & 0xFFFF:X} {int(composed, 16):X}")
    astral = text[text.index("fn composition_table_astral"):]
    astral = astral[:astral.index("_ => None")]
    for a, b, c in re.findall(r"\('\\u\{(\w+)\}', '\\u\{(\w+)\}'\) => Some\('\\u\{(\w+)\}'\)", astral):
        lines.append(f"p {int(a, 16):X} {int(b, 16):X} {int(c, 16):X}")
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("ascii"))
    print(out, {t: sum(1 for l in lines if l.startswith(t + " ")) for t in "cdkp"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""Writes core/src/main/java/dev/jbert/core/tokenizer/UnicodeTables.java, once; rerun only to move to another Unicode.

Run from the repository root with tokenizers 0.23 (the local package index) and a JDK 17 `java` on the PATH:
    HF_HUB_OFFLINE=1 python core/src/test/resources/tokenizer/unicode/generate_tables.py /path/to/unicode-segmentation
where the argument is a git clone of https://github.com/unicode-rs/unicode-segmentation (tag v1.13.2 is read, the
version in tokenizers 0.23's Cargo.lock).

1. Regex classes. For every class escape jbert translates (general categories, POSIX classes, \\s \\w \\d), the code
   points Oniguruma matches are taken from tokenizers itself (a Split pre-tokenizer with behavior "removed" over a
   string of every code point but the surrogates), and Rust regex's \\w and \\s from the Whitespace pre-tokenizer. A
   small Java program lists what Java 17's Pattern matches for the base expression each is translated to; only the
   differences are stored, as sorted ranges: code points to add to Java's class, and code points to take away.
2. Grapheme clusters. unicode-segmentation's Grapheme_Cluster_Break table (with InCB=Consonant folded in), its
   InCB=Extend table and its InCB=Linker list, copied from its src/tables.rs (Unicode 17.0).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from tokenizers import Regex
from tokenizers import pre_tokenizers as P

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../../../../.."))
OUT = os.path.join(ROOT, "core/src/main/java/dev/jbert/core/tokenizer/UnicodeTables.java")

GC = ["L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps",
      "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cn"]
# key -> (Oniguruma expression, Java 17 base expression it is translated from)
ENTRIES = {g: ("\\p{%s}" % g, "\\p{%s}" % g) for g in GC}
ENTRIES.update({
    "s": ("\\s", "\\s"), "w": ("\\w", "\\w"), "d": ("\\d", "\\d"),
    "alpha": ("\\p{Alpha}", "\\p{IsAlphabetic}"), "alnum": ("\\p{Alnum}", "[\\p{IsAlphabetic}\\p{Nd}]"),
    "upper": ("\\p{Upper}", "\\p{IsUppercase}"), "lower": ("\\p{Lower}", "\\p{IsLowercase}"),
    "punct": ("\\p{Punct}", "\\p{P}"), "digit": ("\\p{Digit}", "\\p{Nd}"), "space": ("\\p{Space}", "\\s"),
    "blank": ("\\p{Blank}", "[\\p{Zs}\\t]"), "cntrl": ("\\p{Cntrl}", "\\p{Cc}"),
    "graph": ("\\p{Graph}", "[^\\s\\p{Cc}\\p{Cn}\\p{Cs}]"), "print": ("\\p{Print}", "[[^\\s\\p{Cc}\\p{Cn}\\p{Cs}]\\p{Zs}]"),
    "xdigit": ("\\p{XDigit}", "[0-9a-fA-F]"), "word": ("\\p{Word}", "\\w"),
    "posix:punct": ("[[:punct:]]", "[\\p{P}\\p{S}]"), "posix:word": ("[[:word:]]", "\\w"),
})
for name in ["alpha", "alnum", "upper", "lower", "digit", "space", "blank", "cntrl", "graph", "print", "xdigit"]:
    ENTRIES["posix:" + name] = ("[[:%s:]]" % name, ENTRIES[name][1])
RUST = {"rust:w": "\\w", "rust:s": "\\s"}

CPS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
TEXT = "".join(map(chr, CPS))


def covered_complement(pieces):
    covered = bytearray(len(CPS))
    for _, (a, b) in pieces:
        covered[a:b] = b"\x01" * (b - a)
    return {CPS[i] for i in range(len(CPS)) if not covered[i]}


def oniguruma(expr):
    return covered_complement(P.Split(Regex(expr), behavior="removed").pre_tokenize_str(TEXT))


def rust_regex():
    # Whitespace is \w+|[^\w\s]+ in Rust's regex crate, the rest removed: every code point between two 'a's
    text = "a" + "a".join(map(chr, CPS)) + "a"
    pieces = P.Whitespace().pre_tokenize_str(text)
    word, space = set(), set()
    kept = bytearray(len(text))
    for piece, (a, b) in pieces:
        kept[a:b] = b"\x01" * (b - a)
        if piece != text[a:b]:
            raise SystemExit("offsets are not code point offsets")
        if b - a > 1:  # a run of word characters with its 'a's around
            word.update(ord(ch) for ch in piece)
    for i, c in enumerate(CPS):
        if not kept[2 * i + 1]:
            space.add(c)
    return {"rust:w": word, "rust:s": space}


JAVA = r"""
import java.nio.file.*; import java.util.*; import java.util.regex.*;
public class JavaClasses { public static void main(String[] a) throws Exception {
  StringBuilder out = new StringBuilder();
  for (String expr : Files.readAllLines(Path.of(a[0]))) {
    Matcher m = Pattern.compile(expr, Pattern.UNICODE_CHARACTER_CLASS).matcher("");
    for (int c = 0; c < 0x110000; c++) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      if (m.reset(new String(Character.toChars(c))).matches()) out.append(c).append(' ');
    }
    out.append('\n');
  }
  Files.writeString(Path.of(a[1]), out); } }
"""


def java(exprs):
    with tempfile.TemporaryDirectory() as d:
        src, lst, res = os.path.join(d, "JavaClasses.java"), os.path.join(d, "exprs.txt"), os.path.join(d, "out.txt")
        open(src, "w").write(JAVA)
        open(lst, "w").write("\n".join(exprs) + "\n")
        subprocess.run(["java", src, lst, res], check=True)
        return [set(map(int, line.split())) for line in open(res).read().split("\n")[:len(exprs)]]


def ranges(points):
    out = []
    for c in sorted(points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return " ".join("%X" % a if a == b else "%X-%X" % (a, b) for a, b in out)


def grapheme_tables(repo):
    src = subprocess.run(["git", "-C", repo, "show", "v1.13.2:src/tables.rs"], check=True, capture_output=True,
                         text=True).stdout
    assert "UNICODE_VERSION: (u64, u64, u64) = (17, 0, 0)" in src
    cat = src[src.index("const grapheme_cat_table"):]
    cat = cat[:cat.index("];")]
    gcb = re.findall(r"\('\\u\{([0-9a-f]+)\}',\s*'\\u\{([0-9a-f]+)\}',\s*GC_(\w+)\)", cat)
    ext = src[src.index("const InCB_Extend_table"):]
    ext = ext[:ext.index("];")]
    incb = re.findall(r"\('\\u\{([0-9a-f]+)\}',\s*'\\u\{([0-9a-f]+)\}'\)", ext)
    link = src[src.index("pub fn is_incb_linker"):]
    link = re.findall(r"'\\u\{([0-9A-Fa-f]+)\}'", link[:link.index("}\n")])
    # every entry, wherever the crate's formatter broke its line
    assert len(gcb) == cat.count("GC_") and len(incb) == ext.count("('"), (len(gcb), len(incb))
    return gcb, incb, link


def java_string(s, width=110):
    parts = [s[i:i + width] for i in range(0, len(s), width)] or [""]
    return "\n            + ".join('"%s"' % p for p in parts)


def main():
    repo = sys.argv[1]
    onig = {k: oniguruma(e) for k, (e, _) in ENTRIES.items()}
    onig.update(rust_regex())
    keys = list(ENTRIES) + list(RUST)
    bases = [ENTRIES[k][1] if k in ENTRIES else RUST[k] for k in keys]
    javas = java(bases)
    lines = []
    for k, base, j in zip(keys, bases, javas):
        add, remove = onig[k] - j, j - onig[k]
        lines.append("            {%s, %s, %s, %s}," % (json.dumps(k), json.dumps(base), java_string(ranges(add)),
                                                        java_string(ranges(remove))))
    gcb, incb, link = grapheme_tables(repo)
    names = sorted({c for _, _, c in gcb})
    gcb_text = " ".join("%s-%s:%d" % (a.upper(), b.upper(), names.index(c)) for a, b, c in gcb)
    incb_text = " ".join("%s-%s" % (a.upper(), b.upper()) for a, b in incb)
    with open(OUT, "w") as f:
        f.write("""package dev.jbert.core.tokenizer;

/**
 * Unicode data that Java 17 does not have in the version {@code tokenizers} 0.23 uses. Generated by
 * {@code core/src/test/resources/tokenizer/unicode/generate_tables.py}; do not edit.
 *
 * <p>{@link #CLASSES}: per class escape, {key, the Java 17 expression it is built on, code point ranges (hex) to add,
 * ranges to take away}, so that the result matches what tokenizers' Oniguruma (Unicode 16) matches, or for the
 * {@code rust:} keys what its Rust {@code regex} crate matches. {@link #GRAPHEME_BREAK}: unicode-segmentation 1.13.2's
 * Grapheme_Cluster_Break ranges (Unicode 17.0) as {@code from-to:category}, categories indexing
 * {@link #GRAPHEME_CATEGORIES}; {@link #INCB_EXTEND} and {@link #INCB_LINKER}: its InCB=Extend ranges and Linkers.
 */
final class UnicodeTables {

    private UnicodeTables() {
    }

    static final String[][] CLASSES = {
%s
    };

    static final String[] GRAPHEME_CATEGORIES = {%s};

    static final String GRAPHEME_BREAK = %s;

    static final String INCB_EXTEND = %s;

    static final String INCB_LINKER = "%s";
}
""" % ("\n".join(lines), ", ".join(json.dumps(n) for n in names), java_string(gcb_text), java_string(incb_text),
       " ".join(x.upper() for x in link)))
    print("wrote", OUT)


if __name__ == "__main__":
    main()

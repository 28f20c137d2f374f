package dev.jbert.core.tokenizer;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * A piece of text being normalised, one code point at a time, where every code point remembers the
 * span of the original text it came from (the Rust {@code NormalizedString} with its alignments).
 *
 * <p>A code point produced by an expansion (NFD, lower-casing U+0130, the spaces around a CJK
 * ideograph) inherits the span of the code point it was produced from, exactly as {@code tokenizers}
 * does, so a token's offsets run from the first span's start to the last span's end. The one twist,
 * also copied from Rust, is that NFD's reordering of combining marks moves code points but not spans.
 * Spans are Java {@code char} indices into the original string.
 */
final class NormalizedString {

    private int[] codePoints;
    private int[] starts;
    private int[] ends;
    private int size;

    private NormalizedString(int capacity) {
        codePoints = new int[Math.max(capacity, 4)];
        starts = new int[codePoints.length];
        ends = new int[codePoints.length];
    }

    /** The untouched text, each code point spanning itself. */
    static NormalizedString of(String original) {
        int to = original.length();
        NormalizedString s = new NormalizedString(to);
        int i = 0;
        while (i < to) {
            int cp = original.codePointAt(i);
            int next = i + Character.charCount(cp);
            s.append(cp, i, next);
            i = next;
        }
        return s;
    }

    int size() {
        return size;
    }

    int codePointAt(int index) {
        return codePoints[index];
    }

    int startAt(int index) {
        return starts[index];
    }

    int endAt(int index) {
        return ends[index];
    }

    /** The code points {@code [from, to)} with their spans. */
    NormalizedString slice(int from, int to) {
        NormalizedString s = new NormalizedString(to - from);
        for (int i = from; i < to; i++) {
            s.append(codePoints[i], starts[i], ends[i]);
        }
        return s;
    }

    String text() {
        return text(0, size);
    }

    String text(int from, int to) {
        return new String(codePoints, from, to - from);
    }

    /**
     * BERT {@code clean_text}: drop NUL, U+FFFD and control/format characters, then turn every
     * whitespace character into a plain space. Both steps keep spans, so offsets are unaffected.
     */
    void cleanText() {
        filter(c -> c != 0 && c != 0xFFFD && !CharClasses.isControl(c));
        for (int i = 0; i < size; i++) {
            if (CharClasses.isWhitespace(codePoints[i])) {
                codePoints[i] = ' ';
            }
        }
    }

    /** BERT {@code handle_chinese_chars}: a space on each side of every CJK ideograph. */
    void padChineseChars() {
        NormalizedString out = new NormalizedString(size + 8);
        for (int i = 0; i < size; i++) {
            int c = codePoints[i];
            if (CharClasses.isChineseChar(c)) {
                out.append(' ', starts[i], ends[i]);
                out.append(c, starts[i], ends[i]);
                out.append(' ', starts[i], ends[i]);
            } else {
                out.append(c, starts[i], ends[i]);
            }
        }
        replaceWith(out);
    }

    /** BERT {@code strip_accents}: canonical decomposition (NFD), then drop non-spacing marks. */
    void stripAccents() {
        normalizeUnicode(Normalizer.Form.NFD);
        filter(c -> !CharClasses.isNonSpacingMark(c));
    }

    /**
     * Per-code-point full lower-casing, as Rust's {@code char::to_lowercase}: no context, so a final
     * capital sigma becomes σ, not ς. U+0130 is the only unconditional one-to-many mapping.
     */
    void lowercase() {
        // In place, unless some code point expands and the arrays have to grow.
        NormalizedString out = null;
        for (int i = 0; i < size; i++) {
            if (codePoints[i] == 0x130) {
                out = new NormalizedString(size + 4);
                break;
            }
        }
        if (out == null) {
            for (int i = 0; i < size; i++) {
                codePoints[i] = Character.toLowerCase(codePoints[i]);
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            if (codePoints[i] == 0x130) {
                out.append('i', starts[i], ends[i]);
                out.append(0x307, starts[i], ends[i]);
            } else {
                out.append(Character.toLowerCase(codePoints[i]), starts[i], ends[i]);
            }
        }
        replaceWith(out);
    }

    /** Keeps only the code points {@code keep} accepts. */
    void filter(IntPredicate keep) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (keep.test(codePoints[r])) {
                codePoints[w] = codePoints[r];
                starts[w] = starts[r];
                ends[w] = ends[r];
                w++;
            }
        }
        size = w;
    }

    /** Whether nothing is left. */
    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Replaces the whole text by {@code next}, as Rust's {@code NormalizedString::transform}: {@code changes[i]} is 0
     * when {@code next[i]} replaces the next old code point (and takes its span), 1 when it is inserted (taking the
     * span of the old code point before it, or (0, 0) at the start), and -N when it replaces one and the N after it are
     * removed. The first {@code initialOffset} old code points are removed.
     */
    void transform(int[] next, int[] changes, int count, int initialOffset) {
        NormalizedString out = new NormalizedString(count);
        int offset = initialOffset;
        for (int i = 0; i < count; i++) {
            int change = changes[i];
            if (change > 0) {
                if (offset < 1) out.append(next[i], 0, 0);
                else out.append(next[i], starts[offset - 1], ends[offset - 1]);
            } else {
                out.append(next[i], starts[offset], ends[offset]);
                offset += 1 - change;
            }
        }
        replaceWith(out);
    }

    /**
     * Every match of {@code pattern} replaced by {@code content}, whose code points take the span of the match's last
     * code point, as Rust's {@code NormalizedString::replace}.
     */
    void replaceAll(java.util.regex.Pattern pattern, String content) {
        String text = text();
        java.util.regex.Matcher m = pattern.matcher(text);
        NormalizedString out = new NormalizedString(size);
        int[] inserted = content.codePoints().toArray();
        int copied = 0;
        while (m.find()) {
            if (m.start() == m.end()) continue;
            int from = text.codePointCount(0, m.start());
            int to = from + text.codePointCount(m.start(), m.end());
            for (int i = copied; i < from; i++) out.append(codePoints[i], starts[i], ends[i]);
            for (int c : inserted) {
                if (to < 1) out.append(c, 0, 0);
                else out.append(c, starts[to - 1], ends[to - 1]);
            }
            copied = to;
        }
        for (int i = copied; i < size; i++) out.append(codePoints[i], starts[i], ends[i]);
        replaceWith(out);
    }

    /** Every occurrence of code point {@code from} replaced by {@code to}, keeping spans. */
    void replaceCodePoint(int from, int to) {
        for (int i = 0; i < size; i++) {
            if (codePoints[i] == from) codePoints[i] = to;
        }
    }

    /** {@code prefix} before the text, with the span of the first code point (nothing when the text is empty). */
    void prepend(String prefix) {
        if (size == 0 || prefix.isEmpty()) return;
        int[] added = prefix.codePoints().toArray();
        NormalizedString out = new NormalizedString(size + added.length);
        for (int c : added) out.append(c, starts[0], ends[0]);
        for (int i = 0; i < size; i++) out.append(codePoints[i], starts[i], ends[i]);
        replaceWith(out);
    }

    /** {@code suffix} after the text, with the span of the last code point. */
    void append(String suffix) {
        if (size == 0) return;
        int s = starts[size - 1], e = ends[size - 1];
        suffix.codePoints().forEach(c -> append(c, s, e));
    }

    /** Leading and/or trailing whitespace removed. */
    void strip(boolean left, boolean right) {
        int from = 0, to = size;
        if (left) while (from < to && CharClasses.isWhitespace(codePoints[from])) from++;
        if (right) while (to > from && CharClasses.isWhitespace(codePoints[to - 1])) to--;
        if (from == 0 && to == size) return;
        replaceWith(slice(from, to));
    }

    /**
     * A Unicode normalisation form with spans, exactly as tokenizers computes it (see {@link Unicode9Normalization}):
     * a code point taking the place of an old one takes its span, an inserted one the span before it, and a
     * composition keeps the span of its first part while dropping the others'.
     */
    void normalizeUnicode(Normalizer.Form form) {
        int plain = form == Normalizer.Form.NFC ? 0x300 : form == Normalizer.Form.NFD ? 0xC0 : 0xA0;
        boolean unchanged = true;
        for (int i = 0; i < size && unchanged; i++) unchanged = codePoints[i] < plain;
        if (unchanged) return;
        Unicode9Normalization.Result r = Unicode9Normalization.normalize(codePoints, size, form);
        transform(r.codePoints(), r.changes(), r.size(), 0);
    }

    private void append(int cp, int start, int end) {
        if (size == codePoints.length) {
            int capacity = size * 2;
            codePoints = Arrays.copyOf(codePoints, capacity);
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
        codePoints[size] = cp;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    private void replaceWith(NormalizedString other) {
        codePoints = other.codePoints;
        starts = other.starts;
        ends = other.ends;
        size = other.size;
    }
}

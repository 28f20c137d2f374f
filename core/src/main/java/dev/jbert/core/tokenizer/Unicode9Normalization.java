package dev.jbert.core.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * NFD, NFC, NFKD and NFKC as {@code tokenizers} 0.23 computes them, with its alignment: the crate
 * unicode-normalization-alignments 0.1.12, at Unicode 9.0.0. Java's {@link java.text.Normalizer} is Unicode 13 and
 * reorders or composes about a hundred newer characters that tokenizers leaves alone, so the crate's tables are
 * pinned in {@code unicode-9-normalization.txt.gz} (extracted by {@code core/tools/unicode9_normalization_tables.py})
 * and its two iterators are replayed here step for step. Each output code point carries the crate's change: 0 when it
 * takes the place of the next input code point, 1 when inserted, and a composition adds the changes of what it
 * fused minus one, which is what {@link NormalizedString#transform} reads. Stateless and thread-safe.
 */
final class Unicode9Normalization {

    private static final int S_BASE = 0xAC00, L_BASE = 0x1100, V_BASE = 0x1161, T_BASE = 0x11A7;
    private static final int L_COUNT = 19, V_COUNT = 21, T_COUNT = 28, N_COUNT = V_COUNT * T_COUNT, S_COUNT = L_COUNT * N_COUNT;

    private static final Map<Integer, Integer> COMBINING_CLASS = new HashMap<>();
    private static final Map<Integer, int[]> CANONICAL = new HashMap<>();
    private static final Map<Integer, int[]> COMPATIBLE = new HashMap<>();
    private static final Map<Long, Integer> COMPOSITION = new HashMap<>();

    static {
        String resource = "unicode-9-normalization.txt.gz";
        try (InputStream raw = Unicode9Normalization.class.getResourceAsStream(resource)) {
            if (raw == null) throw new IllegalStateException("the jar lacks " + resource);
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) continue;
                String[] f = line.split(" ");
                int[] v = new int[f.length - 1];
                for (int i = 1; i < f.length; i++) v[i - 1] = Integer.parseInt(f[i], 16);
                switch (f[0]) {
                    case "c" -> COMBINING_CLASS.put(v[0], Integer.parseInt(f[2]));
                    case "d" -> CANONICAL.put(v[0], Arrays.copyOfRange(v, 1, v.length));
                    case "k" -> COMPATIBLE.put(v[0], Arrays.copyOfRange(v, 1, v.length));
                    case "p" -> COMPOSITION.put(pair(v[0], v[1]), v[2]);
                    default -> throw new IllegalStateException(resource + ": unknown line " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Unicode9Normalization() {
    }

    /** Code points and, per code point, its change against the input. */
    record Result(int[] codePoints, int[] changes, int size) {
    }

    static Result normalize(int[] input, int size, java.text.Normalizer.Form form) {
        boolean compatible = form == java.text.Normalizer.Form.NFKD || form == java.text.Normalizer.Form.NFKC;
        Result decomposed = decompose(input, size, compatible);
        boolean composing = form == java.text.Normalizer.Form.NFC || form == java.text.Normalizer.Form.NFKC;
        return composing ? compose(decomposed) : decomposed;
    }

    static int combiningClass(int c) {
        return c < 0x300 ? 0 : COMBINING_CLASS.getOrDefault(c, 0);
    }

    /** The crate's {@code Decompositions}: full decompositions, each run of non-starters stably sorted by class. */
    private static Result decompose(int[] input, int size, boolean compatible) {
        Buffer out = new Buffer(size + 8);
        int pending = 0;
        for (int i = 0; i < size; i++) {
            int c = input[i];
            int[] parts = decomposition(c, compatible);
            for (int k = 0; k < (parts == null ? 1 : parts.length); k++) {
                int d = parts == null ? c : parts[k];
                if (combiningClass(d) == 0) {
                    out.sortByClass(pending);
                    pending = out.size;
                }
                out.add(d, k == 0 ? 0 : 1);
            }
        }
        out.sortByClass(pending);
        return out.result();
    }

    private static int[] decomposition(int c, boolean compatible) {
        if (c <= 0x7F) return null;
        if (c >= S_BASE && c < S_BASE + S_COUNT) {
            int s = c - S_BASE, t = s % T_COUNT;
            int l = L_BASE + s / N_COUNT, v = V_BASE + (s % N_COUNT) / T_COUNT;
            return t > 0 ? new int[] {l, v, T_BASE + t} : new int[] {l, v};
        }
        int[] parts = compatible ? COMPATIBLE.get(c) : null;
        return parts != null ? parts : CANONICAL.get(c);
    }

    /** The crate's {@code Recompositions} over a decomposed stream, with its bookkeeping of changes. */
    private static Result compose(Result in) {
        Buffer out = new Buffer(in.size());
        Buffer blocked = new Buffer(4);
        boolean hasComposee = false;
        int composee = 0, composeeChange = 0;
        int lastClass = -1;
        for (int i = 0; i < in.size(); i++) {
            int ch = in.codePoints()[i], change = in.changes()[i];
            int chClass = combiningClass(ch);
            if (!hasComposee) {
                if (chClass != 0) {
                    out.add(ch, change);
                    continue;
                }
                hasComposee = true;
                composee = ch;
                composeeChange = change;
                continue;
            }
            if (lastClass < 0 || lastClass < chClass) {
                Integer r = composition(composee, ch);
                if (r != null) {
                    composee = r;
                    composeeChange = composeeChange + change - 1;
                    continue;
                }
                if (lastClass < 0 && chClass == 0) {
                    out.add(composee, composeeChange);
                    composee = ch;
                    composeeChange = change;
                    continue;
                }
                blocked.add(ch, change);
                lastClass = chClass;
                continue;
            }
            if (chClass == 0) {
                out.add(composee, composeeChange);
                out.addAll(blocked);
                blocked.size = 0;
                composee = ch;
                composeeChange = change;
                lastClass = -1;
                continue;
            }
            blocked.add(ch, change);
            lastClass = chClass;
        }
        if (hasComposee) {
            out.add(composee, composeeChange);
        }
        out.addAll(blocked);
        return out.result();
    }

    private static Integer composition(int a, int b) {
        if (a >= L_BASE && a < L_BASE + L_COUNT && b >= V_BASE && b < V_BASE + V_COUNT) {
            return S_BASE + (a - L_BASE) * N_COUNT + (b - V_BASE) * T_COUNT;
        }
        if (a >= S_BASE && a < S_BASE + S_COUNT && b > T_BASE && b < T_BASE + T_COUNT && (a - S_BASE) % T_COUNT == 0) {
            return a + (b - T_BASE);
        }
        return COMPOSITION.get(pair(a, b));
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | b;
    }

    /** A growable list of (code point, change). */
    private static final class Buffer {
        int[] codePoints;
        int[] changes;
        int size;

        Buffer(int capacity) {
            codePoints = new int[Math.max(capacity, 4)];
            changes = new int[codePoints.length];
        }

        void add(int c, int change) {
            if (size == codePoints.length) {
                codePoints = Arrays.copyOf(codePoints, size * 2);
                changes = Arrays.copyOf(changes, size * 2);
            }
            codePoints[size] = c;
            changes[size] = change;
            size++;
        }

        void addAll(Buffer other) {
            for (int i = 0; i < other.size; i++) add(other.codePoints[i], other.changes[i]);
        }

        /**
         * Stable sort of the entries from {@code from} on by combining class, as Rust's {@code sort_by_key}: a counting
         * sort, so a word of ten thousand marks costs no more than its length.
         */
        void sortByClass(int from) {
            int n = size - from;
            if (n < 2) return;
            int[] classes = new int[n];
            int[] counts = new int[257];
            for (int i = 0; i < n; i++) {
                classes[i] = combiningClass(codePoints[from + i]);
                counts[classes[i] + 1]++;
            }
            for (int k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
            int[] sortedCodePoints = new int[n], sortedChanges = new int[n];
            for (int i = 0; i < n; i++) {
                int at = counts[classes[i]]++;
                sortedCodePoints[at] = codePoints[from + i];
                sortedChanges[at] = changes[from + i];
            }
            System.arraycopy(sortedCodePoints, 0, codePoints, from, n);
            System.arraycopy(sortedChanges, 0, changes, from, n);
        }

        Result result() {
            return new Result(codePoints, changes, size);
        }
    }
}

package dev.jbert.core.augment;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exact and near duplicates among texts: a text's normalised form (NFKC, lower case, every run of non-letters and
 * non-digits one space) must not equal another's, and the Jaccard similarity of their character 5-gram sets must stay
 * below the threshold. Candidates come from MinHash locality-sensitive hashing (32 hashes in 8 bands of 4), then each
 * is checked exactly, so a check costs about the same against a hundred texts or a hundred thousand. At the default
 * threshold 0.8 a pair that similar is found with probability 0.985. Not thread-safe.
 */
public final class NearDuplicates {

    private static final int GRAM = 5, HASHES = 32, BANDS = 8, ROWS = HASHES / BANDS;
    private static final long[] SEEDS = seeds();

    private final double threshold;
    private final Map<String, String> exact = new HashMap<>();
    private final List<Map<Long, List<Integer>>> bands = new ArrayList<>();
    private final List<int[]> grams = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();

    /** @param threshold the 5-gram Jaccard similarity from which a text is a near duplicate, in (0, 1] */
    public NearDuplicates(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("the similarity threshold must be in (0, 1], got " + threshold);
        this.threshold = threshold;
        for (int b = 0; b < BANDS; b++) bands.add(new HashMap<>());
    }

    /** What a text duplicates: nothing, or the source of the first text it repeats and how similar they are. */
    public record Match(String source, double similarity, boolean exact) {
        static final Match NONE = new Match(null, 0, false);

        /**
         * Whether the text duplicates one.
         *
         * @return whether there is a source
         */
        public boolean found() {
            return source != null;
        }
    }

    /**
     * Whether {@code text} repeats, exactly or nearly, a text added so far.
     *
     * @param text the text
     * @return the match, or one that is not {@link Match#found()}
     */
    public Match check(String text) {
        String normal = normalise(text);
        String same = exact.get(normal);
        if (same != null) return new Match(same, 1, true);
        int[] g = grams(normal);
        long[] signature = signature(g);
        for (int b = 0; b < BANDS; b++) {
            List<Integer> bucket = bands.get(b).get(band(signature, b));
            if (bucket == null) continue;
            for (int i : bucket) {
                double j = jaccard(g, grams.get(i));
                if (j >= threshold) return new Match(sources.get(i), j, false);
            }
        }
        return Match.NONE;
    }

    /**
     * Adds {@code text}, found in {@code source} (a file, or "generated").
     *
     * @param text   the text
     * @param source where it comes from, named in matches
     */
    public void add(String text, String source) {
        String normal = normalise(text);
        exact.putIfAbsent(normal, source);
        int[] g = grams(normal);
        long[] signature = signature(g);
        int id = grams.size();
        grams.add(g);
        sources.add(source);
        for (int b = 0; b < BANDS; b++) bands.get(b).computeIfAbsent(band(signature, b), k -> new ArrayList<>(1)).add(id);
    }

    static String normalise(String text) {
        String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return n.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** The sorted, distinct hashes of the text's character 5-grams (the whole text when shorter). */
    private static int[] grams(String normal) {
        if (normal.length() <= GRAM) return new int[] {normal.hashCode()};
        int[] out = new int[normal.length() - GRAM + 1];
        for (int i = 0; i < out.length; i++) out[i] = normal.substring(i, i + GRAM).hashCode();
        return Arrays.stream(out).sorted().distinct().toArray();
    }

    private static double jaccard(int[] a, int[] b) {
        int i = 0, j = 0, common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }

    private static long[] signature(int[] grams) {
        long[] s = new long[HASHES];
        Arrays.fill(s, Long.MAX_VALUE);
        for (int g : grams) {
            for (int h = 0; h < HASHES; h++) s[h] = Math.min(s[h], mix(g ^ SEEDS[h]));
        }
        return s;
    }

    private static long band(long[] signature, int b) {
        long h = b;
        for (int r = 0; r < ROWS; r++) h = mix(h * 31 + signature[b * ROWS + r]);
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long[] seeds() {
        long[] s = new long[HASHES];
        for (int h = 0; h < HASHES; h++) s[h] = mix(0x9E3779B97F4A7C15L * (h + 1));
        return s;
    }
}

package dev.jbert.core.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Precompiled} normalizer: sentencepiece's {@code precompiled_charsmap}, a Darts double-array trie from
 * UTF-8 byte strings to offsets in a blob of NUL-terminated replacements, applied as {@code tokenizers} applies it
 * (the {@code spm_precompiled} crate). Each grapheme cluster ({@link GraphemeClusters}, unicode-segmentation's, not
 * Java's {@code \X}) shorter than six bytes is looked up whole; otherwise, or
 * when it has no entry, each of its code points is. The shortest matching prefix of a chunk wins, as in the crate.
 */
final class PrecompiledCharsMap implements Normalizer {

    private final int[] trie;
    private final byte[] replacements;

    private PrecompiledCharsMap(int[] trie, byte[] replacements) {
        this.trie = trie;
        this.replacements = replacements;
    }

    /**
     * Parses the charsmap: a little-endian u32 byte length of the trie, the trie's u32 units, then the blob.
     *
     * @throws IllegalArgumentException when the bytes are not in that layout
     */
    static PrecompiledCharsMap parse(byte[] charsmap) {
        if (charsmap.length < 4) throw new IllegalArgumentException("precompiled_charsmap has " + charsmap.length + " bytes, fewer than its 4-byte header");
        ByteBuffer b = ByteBuffer.wrap(charsmap).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt());
        if (trieBytes % 4 != 0 || trieBytes == 0 || trieBytes > charsmap.length - 4L) {
            throw new IllegalArgumentException("precompiled_charsmap claims a trie of " + trieBytes + " bytes in " + charsmap.length
                    + " bytes: expected a positive multiple of 4 that fits");
        }
        int[] trie = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < trie.length; i++) trie[i] = b.getInt();
        byte[] blob = new byte[b.remaining()];
        b.get(blob);
        return new PrecompiledCharsMap(trie, blob);
    }

    @Override
    public void normalize(NormalizedString s) {
        String text = s.text();
        List<Integer> next = new ArrayList<>();
        List<Integer> changes = new ArrayList<>();
        boolean modified = false;
        int[] bounds = GraphemeClusters.boundaries(text);
        for (int g = 0; g + 1 < bounds.length; g++) {
            String grapheme = text.substring(bounds[g], bounds[g + 1]);
            byte[] bytes = grapheme.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 6) {
                String norm = transform(bytes);
                if (norm != null) {
                    modified = true;
                    replace(next, changes, grapheme, norm);
                    continue;
                }
            }
            for (int k = 0; k < grapheme.length(); ) {
                int cp = grapheme.codePointAt(k);
                String part = new String(Character.toChars(cp));
                k += part.length();
                String norm = transform(part.getBytes(StandardCharsets.UTF_8));
                if (norm != null) {
                    modified = true;
                    replace(next, changes, part, norm);
                } else {
                    next.add(cp);
                    changes.add(0);
                }
            }
        }
        if (!modified) return;
        int[] cps = next.stream().mapToInt(Integer::intValue).toArray();
        int[] ch = changes.stream().mapToInt(Integer::intValue).toArray();
        s.transform(cps, ch, cps.length, 0);
    }

    /** The crate's bookkeeping: new code points replace old ones one for one, extras are inserted, a shortfall removes. */
    private static void replace(List<Integer> next, List<Integer> changes, String old, String norm) {
        int oldCount = old.codePointCount(0, old.length());
        int[] cps = norm.codePoints().toArray();
        int diff = cps.length - oldCount;
        for (int c : cps) {
            next.add(c);
            changes.add(0);
        }
        if (diff > 0) {
            for (int k = changes.size() - diff; k < changes.size(); k++) changes.set(k, 1);
        } else if (diff < 0 && !changes.isEmpty()) {
            // with an empty replacement the removal rides on whatever code point came before, as in the crate
            int last = changes.size() - 1;
            changes.set(last, changes.get(last) + diff);
        }
    }

    /** The replacement of the shortest key that prefixes {@code key}, or null when none does. */
    String transform(byte[] key) {
        int node = 0;
        int unit = trie[node];
        node ^= offset(unit);
        for (byte kb : key) {
            int c = kb & 0xFF;
            if (c == 0) break;
            node ^= c;
            if (node < 0 || node >= trie.length) return null;
            unit = trie[node];
            if (label(unit) != c) return null;
            node ^= offset(unit);
            if (node < 0 || node >= trie.length) return null;
            if (hasLeaf(unit)) return replacementAt(value(trie[node]));
        }
        return null;
    }

    private String replacementAt(int index) {
        if (index < 0 || index > replacements.length) {
            throw new IllegalArgumentException("precompiled_charsmap points at byte " + index + " of a " + replacements.length + "-byte blob");
        }
        int end = index;
        while (end < replacements.length && replacements[end] != 0) end++;
        return new String(replacements, index, end - index, StandardCharsets.UTF_8);
    }

    private static boolean hasLeaf(int unit) {
        return ((unit >>> 8) & 1) == 1;
    }

    private static int value(int unit) {
        return unit & 0x7FFFFFFF;
    }

    private static int label(int unit) {
        return unit & (0x80000000 | 0xFF);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}

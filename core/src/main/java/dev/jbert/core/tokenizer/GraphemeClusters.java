package dev.jbert.core.tokenizer;

import java.util.Arrays;

/**
 * Extended grapheme clusters as the Rust crate unicode-segmentation 1.13.2 finds them ({@code str::graphemes(true)},
 * used by tokenizers' {@code Precompiled} normalizer): UAX #29 at Unicode 17.0, with the crate's tables
 * ({@link UnicodeTables#GRAPHEME_BREAK}). Java's {@code \X} is Unicode 13 and leaves out rule GB9c.
 */
final class GraphemeClusters {

    private static final int ANY = -1;
    private static final int CR, CONTROL, EXTEND, PICTOGRAPHIC, CONSONANT, L, LF, LV, LVT, PREPEND, REGIONAL, SPACING, T, V, ZWJ;
    private static final int[] FROM, TO, CATEGORY, EXTEND_FROM, EXTEND_TO, LINKERS;

    static {
        String[] names = UnicodeTables.GRAPHEME_CATEGORIES;
        CR = index(names, "CR");
        CONTROL = index(names, "Control");
        EXTEND = index(names, "Extend");
        PICTOGRAPHIC = index(names, "Extended_Pictographic");
        CONSONANT = index(names, "InCB_Consonant");
        L = index(names, "L");
        LF = index(names, "LF");
        LV = index(names, "LV");
        LVT = index(names, "LVT");
        PREPEND = index(names, "Prepend");
        REGIONAL = index(names, "Regional_Indicator");
        SPACING = index(names, "SpacingMark");
        T = index(names, "T");
        V = index(names, "V");
        ZWJ = index(names, "ZWJ");
        String[] rows = UnicodeTables.GRAPHEME_BREAK.split(" ");
        FROM = new int[rows.length];
        TO = new int[rows.length];
        CATEGORY = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int colon = rows[k].indexOf(':'), dash = rows[k].indexOf('-');
            FROM[k] = Integer.parseInt(rows[k].substring(0, dash), 16);
            TO[k] = Integer.parseInt(rows[k].substring(dash + 1, colon), 16);
            CATEGORY[k] = Integer.parseInt(rows[k].substring(colon + 1));
        }
        String[] ext = UnicodeTables.INCB_EXTEND.split(" ");
        EXTEND_FROM = new int[ext.length];
        EXTEND_TO = new int[ext.length];
        for (int k = 0; k < ext.length; k++) {
            int dash = ext[k].indexOf('-');
            EXTEND_FROM[k] = Integer.parseInt(ext[k].substring(0, dash), 16);
            EXTEND_TO[k] = Integer.parseInt(ext[k].substring(dash + 1), 16);
        }
        LINKERS = Arrays.stream(UnicodeTables.INCB_LINKER.split(" ")).mapToInt(h -> Integer.parseInt(h, 16)).sorted().toArray();
    }

    private GraphemeClusters() {
    }

    private static int index(String[] names, String name) {
        int i = Arrays.asList(names).indexOf(name);
        if (i < 0) throw new IllegalStateException("no grapheme category " + name);
        return i;
    }

    /** The grapheme cluster break category of {@code cp}, {@link #ANY} for Other. */
    static int category(int cp) {
        if (cp < 0x7F) return cp >= 0x20 ? ANY : cp == '\n' ? LF : cp == '\r' ? CR : CONTROL;
        int k = find(FROM, TO, cp);
        return k < 0 ? ANY : CATEGORY[k];
    }

    private static int find(int[] from, int[] to, int cp) {
        int lo = 0, hi = from.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < from[mid]) hi = mid - 1;
            else if (cp > to[mid]) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private static boolean linker(int cp) {
        return Arrays.binarySearch(LINKERS, cp) >= 0;
    }

    private static boolean incbExtend(int cp) {
        return find(EXTEND_FROM, EXTEND_TO, cp) >= 0;
    }

    /** The char indices where clusters start, then {@code s.length()}; {0} for an empty string. */
    static int[] boundaries(String s) {
        int[] cps = s.codePoints().toArray();
        int[] cats = new int[cps.length];
        for (int k = 0; k < cps.length; k++) cats[k] = category(cps[k]);
        int[] out = new int[cps.length + 1];
        int count = 0, pos = 0, regionals = 0;
        out[count++] = 0;
        for (int k = 1; k <= cps.length; k++) {
            pos += Character.charCount(cps[k - 1]);
            regionals = cats[k - 1] == REGIONAL ? regionals + 1 : 0;
            if (k == cps.length || breaks(cps, cats, k, regionals)) out[count++] = pos;
        }
        return Arrays.copyOf(out, count);
    }

    /** Whether a cluster boundary lies before code point {@code k} (the crate's {@code check_pair} and look-behinds). */
    private static boolean breaks(int[] cps, int[] cats, int k, int regionals) {
        int before = cats[k - 1], after = cats[k];
        if (before == CR && after == LF) return false; // GB3
        if (before == CONTROL || before == CR || before == LF) return true; // GB4
        if (after == CONTROL || after == CR || after == LF) return true; // GB5
        if (before == L && (after == L || after == V || after == LV || after == LVT)) return false; // GB6
        if ((before == LV || before == V) && (after == V || after == T)) return false; // GB7
        if ((before == LVT || before == T) && after == T) return false; // GB8
        if (after == EXTEND || after == ZWJ) return false; // GB9
        if (after == SPACING) return false; // GB9a
        if (before == PREPEND) return false; // GB9b
        if (after == CONSONANT) { // GB9c: Consonant [Extend Linker]* Linker [Extend Linker]* x Consonant
            int linkers = 0;
            for (int j = k - 1; j >= 0; j--) {
                if (linker(cps[j])) linkers++;
                else if (!incbExtend(cps[j])) return !(linkers > 0 && cats[j] == CONSONANT);
            }
            return true;
        }
        if (before == ZWJ && after == PICTOGRAPHIC) { // GB11: ExtPict Extend* ZWJ x ExtPict
            for (int j = k - 2; j >= 0; j--) {
                if (cats[j] == EXTEND) continue;
                return cats[j] != PICTOGRAPHIC;
            }
            return true;
        }
        if (before == REGIONAL && after == REGIONAL) return regionals % 2 == 0; // GB12, GB13
        return true; // GB999
    }
}

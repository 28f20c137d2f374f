package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in a {@link NormalizedString} with the semantics of the Aho-Corasick automaton in
 * {@code tokenizers}' {@code AddedVocabulary}: leftmost-longest, non-overlapping matches, after which
 * {@code single_word} may discard a match and {@code lstrip}/{@code rstrip} widen it over whitespace.
 */
final class AddedTokenMatcher {

    /** A stretch of the input: an added token when {@code token} is non-null, plain text otherwise. */
    record Segment(int from, int to, AddedToken token) {
    }

    private record Pattern(int[] codePoints, AddedToken token) {
    }

    /** Patterns by first code point, longest first, so the first hit at a position is the longest. */
    private final Map<Integer, List<Pattern>> byFirstCodePoint = new HashMap<>();

    /**
     * @param patterns the text to look for (already normalised for normalised tokens) and the token it stands for
     */
    AddedTokenMatcher(Map<String, AddedToken> patterns) {
        for (Map.Entry<String, AddedToken> e : patterns.entrySet()) {
            int[] cps = e.getKey().codePoints().toArray();
            if (cps.length > 0) {
                byFirstCodePoint.computeIfAbsent(cps[0], k -> new ArrayList<>()).add(new Pattern(cps, e.getValue()));
            }
        }
        Comparator<Pattern> longestFirst = Comparator.comparingInt(p -> -p.codePoints().length);
        byFirstCodePoint.values().forEach(list -> list.sort(longestFirst));
    }

    /** Splits {@code text} into segments that cover it entirely, in order, none of them empty. */
    List<Segment> split(NormalizedString text) {
        List<Segment> segments = new ArrayList<>();
        int n = text.size();
        int plainFrom = 0;
        int i = 0;
        while (i < n) {
            Pattern hit = longestAt(text, i);
            if (hit == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + hit.codePoints().length;
            i = stop;
            AddedToken token = hit.token();
            if (token.singleWord() && (endsWithWordChar(text, start) || startsWithWordChar(text, stop))) {
                continue;
            }
            if (token.lstrip()) {
                while (start > plainFrom && CharClasses.isWhitespace(text.codePointAt(start - 1))) {
                    start--;
                }
            }
            if (token.rstrip()) {
                while (stop < n && CharClasses.isWhitespace(text.codePointAt(stop))) {
                    stop++;
                }
                i = stop;
            }
            if (plainFrom < start) {
                segments.add(new Segment(plainFrom, start, null));
            }
            segments.add(new Segment(start, stop, token));
            plainFrom = stop;
        }
        if (plainFrom < n) {
            segments.add(new Segment(plainFrom, n, null));
        }
        return segments;
    }

    private Pattern longestAt(NormalizedString text, int at) {
        List<Pattern> candidates = byFirstCodePoint.get(text.codePointAt(at));
        if (candidates == null) {
            return null;
        }
        for (Pattern p : candidates) {
            int[] cps = p.codePoints();
            if (at + cps.length <= text.size() && matchesAt(text, at, cps)) {
                return p;
            }
        }
        return null;
    }

    private static boolean matchesAt(NormalizedString text, int at, int[] cps) {
        for (int k = 0; k < cps.length; k++) {
            if (text.codePointAt(at + k) != cps[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithWordChar(NormalizedString text, int end) {
        return end > 0 && isWordChar(text.codePointAt(end - 1));
    }

    private static boolean startsWithWordChar(NormalizedString text, int start) {
        return start < text.size() && isWordChar(text.codePointAt(start));
    }

    /** Rust regex's Unicode {@code \w}: alphabetic, marks, decimal digits, connector punctuation, joiners. */
    private static boolean isWordChar(int c) {
        if (Character.isAlphabetic(c) || c == 0x200C || c == 0x200D) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION;
    }
}

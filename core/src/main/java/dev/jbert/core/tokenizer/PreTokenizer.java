package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pre-tokenizer of a {@code tokenizer.json}: it cuts a piece of normalised text into the words the model
 * tokenizes one at a time, as the Rust {@code tokenizers} library does. Empty pieces are dropped.
 */
interface PreTokenizer {

    List<NormalizedString> split(NormalizedString s);

    /** What happens to the delimiters a pattern finds ({@code SplitDelimiterBehavior}). */
    enum Behavior { REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /** {@code BertPreTokenizer}: whitespace separates words and is dropped; each punctuation mark is a word. */
    record Bert() implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            List<NormalizedString> out = new ArrayList<>();
            for (NormalizedString w : cut(s, matchesOf(s, CharClasses::isWhitespace), Behavior.REMOVED)) {
                out.addAll(cut(w, matchesOf(w, CharClasses::isPunctuation), Behavior.ISOLATED));
            }
            return out;
        }
    }

    /** {@code WhitespaceSplit}: whitespace separates words and is dropped. */
    record WhitespaceSplit() implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            return cut(s, matchesOf(s, CharClasses::isWhitespace), Behavior.REMOVED);
        }
    }

    /** {@code Whitespace}: runs of word characters and runs of other non-space characters ({@code \w+|[^\w\s]+}). */
    record Whitespace() implements PreTokenizer {
        // Rust regex crate classes, not Oniguruma's: tokenizers compiles this one with the regex crate
        private static final Pattern WORDS = OnigurumaRegex.compileRust("\\w+|[^\\w\\s]+");

        @Override
        public List<NormalizedString> split(NormalizedString s) {
            return cut(s, matchesOf(s, WORDS), true, Behavior.REMOVED);
        }
    }

    /** {@code Punctuation}. */
    record Punctuation(Behavior behavior) implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            return cut(s, matchesOf(s, CharClasses::isPunctuation), behavior);
        }
    }

    /**
     * {@code Digits}: numeric characters apart from the rest, each on its own or in runs. tokenizers tests Rust's
     * {@code char::is_numeric}, every number category (², ½, Ⅻ as well as 0-9), at the Unicode version Oniguruma's
     * {@code \p{N}} also follows.
     */
    record Digits(boolean individualDigits) implements PreTokenizer {
        private static final Pattern NUMERIC = OnigurumaRegex.compile("\\p{N}");

        @Override
        public List<NormalizedString> split(NormalizedString s) {
            return cut(s, matchesOf(s, NUMERIC), individualDigits ? Behavior.ISOLATED : Behavior.CONTIGUOUS);
        }
    }

    /** {@code Split}: on a literal string or a regular expression, optionally keeping the matches instead. */
    record Split(Pattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            List<int[]> m = matchesOf(s, pattern);
            return cut(s, m, invert, behavior);
        }
    }

    /**
     * {@code Metaspace}: spaces become {@code replacement}, which is prepended ({@code always}, or {@code first}: only to
     * a piece that starts the text) and, with {@code split}, starts every word.
     */
    record Metaspace(int replacement, String prependScheme, boolean split) implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            s.replaceCodePoint(' ', replacement);
            boolean startsWithReplacement = s.size() > 0 && s.codePointAt(0) == replacement;
            if (!startsWithReplacement && ("always".equals(prependScheme) || "first".equals(prependScheme) && s.size() > 0 && s.startAt(0) == 0)) {
                s.prepend(new String(Character.toChars(replacement)));
            }
            if (!split) return s.isEmpty() ? List.of() : List.of(s);
            return cut(s, matchesOf(s, c -> c == replacement), Behavior.MERGED_WITH_NEXT);
        }
    }

    /** {@code Sequence}: each pre-tokenizer splits the pieces of the one before. */
    record Sequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {
        @Override
        public List<NormalizedString> split(NormalizedString s) {
            List<NormalizedString> pieces = List.of(s);
            for (PreTokenizer p : preTokenizers) {
                List<NormalizedString> next = new ArrayList<>();
                for (NormalizedString piece : pieces) next.addAll(p.split(piece));
                pieces = next;
            }
            return pieces;
        }
    }

    /** Code point ranges {@code [from, to)} of every code point {@code hit} accepts. */
    static List<int[]> matchesOf(NormalizedString s, IntPredicate hit) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            if (hit.test(s.codePointAt(i))) out.add(new int[] {i, i + 1});
        }
        return out;
    }

    /** Code point ranges of the non-empty matches of {@code pattern}. */
    static List<int[]> matchesOf(NormalizedString s, Pattern pattern) {
        String text = s.text();
        List<int[]> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int charPos = 0, cpPos = 0;
        while (m.find()) {
            if (m.start() == m.end()) continue;
            cpPos += text.codePointCount(charPos, m.start());
            int from = cpPos;
            cpPos += text.codePointCount(m.start(), m.end());
            charPos = m.end();
            out.add(new int[] {from, cpPos});
        }
        return out;
    }

    /** The pieces of {@code s} around {@code matches} (sorted, disjoint), as {@code NormalizedString::split} cuts them. */
    static List<NormalizedString> cut(NormalizedString s, List<int[]> matches, Behavior behavior) {
        return cut(s, matches, false, behavior);
    }

    /**
     * The pieces of {@code s} around {@code matches}, or, {@code inverted}, around the gaps between them: as in
     * tokenizers, adjacent matches stay separate stretches either way, so an inverted split keeps them apart.
     */
    static List<NormalizedString> cut(NormalizedString s, List<int[]> matches, boolean inverted, Behavior behavior) {
        // every stretch of the text, in order, with whether it is a match
        int match = inverted ? 0 : 1, gap = 1 - match;
        List<int[]> stretches = new ArrayList<>();
        int at = 0;
        for (int[] m : matches) {
            if (m[0] > at) stretches.add(new int[] {at, m[0], gap});
            stretches.add(new int[] {m[0], m[1], match});
            at = m[1];
        }
        if (at < s.size()) stretches.add(new int[] {at, s.size(), gap});
        List<int[]> kept = new ArrayList<>();
        switch (behavior) {
            case REMOVED -> stretches.stream().filter(r -> r[2] == 0).forEach(kept::add);
            case ISOLATED -> kept.addAll(stretches);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] r : stretches) {
                    if (r[2] == 1 && !previousMatch && !kept.isEmpty()) kept.get(kept.size() - 1)[1] = r[1];
                    else kept.add(new int[] {r[0], r[1]});
                    previousMatch = r[2] == 1;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean nextMatch = false;
                List<int[]> reversed = new ArrayList<>();
                for (int k = stretches.size() - 1; k >= 0; k--) {
                    int[] r = stretches.get(k);
                    if (r[2] == 1 && !nextMatch && !reversed.isEmpty()) reversed.get(reversed.size() - 1)[0] = r[0];
                    else reversed.add(new int[] {r[0], r[1]});
                    nextMatch = r[2] == 1;
                }
                for (int k = reversed.size() - 1; k >= 0; k--) kept.add(reversed.get(k));
            }
            case CONTIGUOUS -> {
                boolean previousMatch = false;
                for (int[] r : stretches) {
                    if (r[2] == 1 && previousMatch) kept.get(kept.size() - 1)[1] = r[1];
                    else kept.add(new int[] {r[0], r[1]});
                    previousMatch = r[2] == 1;
                }
            }
        }
        List<NormalizedString> out = new ArrayList<>(kept.size());
        for (int[] r : kept) {
            if (r[1] > r[0]) out.add(s.slice(r[0], r[1]));
        }
        return out;
    }
}

package dev.jbert.core.tokenizer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One normalizer of a {@code tokenizer.json}, as the Rust {@code tokenizers} library defines it: it rewrites a
 * {@link NormalizedString} in place, every code point keeping the span of original text it came from.
 */
interface Normalizer {

    void normalize(NormalizedString s);

    /** Whether this normalizer lower-cases (for the model's description only). */
    default boolean lowercases() {
        return false;
    }

    /** {@code BertNormalizer}: clean_text, handle_chinese_chars, strip_accents (null: when lower-casing), lowercase. */
    record Bert(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            if (cleanText) s.cleanText();
            if (handleChineseChars) s.padChineseChars();
            if (stripAccents) s.stripAccents();
            if (lowercase) s.lowercase();
        }

        @Override
        public boolean lowercases() {
            return lowercase;
        }
    }

    /** {@code Lowercase}. */
    record Lowercase() implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.lowercase();
        }

        @Override
        public boolean lowercases() {
            return true;
        }
    }

    /** {@code NFC}, {@code NFD}, {@code NFKC}, {@code NFKD}. */
    record Unicode(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.normalizeUnicode(form);
        }
    }

    /** {@code StripAccents}: drops combining marks (meant to follow NFD or NFKD). */
    record StripAccents() implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.filter(c -> !CharClasses.isNonSpacingMark(c));
        }
    }

    /** {@code Strip}: leading and/or trailing whitespace. */
    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.strip(left, right);
        }
    }

    /** {@code Replace}: every match of a literal string or a regular expression. */
    record Replace(Pattern pattern, String content) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.replaceAll(pattern, content);
        }
    }

    /** {@code Prepend}: a prefix before non-empty text. */
    record Prepend(String prefix) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            s.prepend(prefix);
        }
    }

    /** {@code Sequence}: each in turn. */
    record Sequence(List<Normalizer> normalizers) implements Normalizer {
        @Override
        public void normalize(NormalizedString s) {
            for (Normalizer n : normalizers) n.normalize(s);
        }

        @Override
        public boolean lowercases() {
            return normalizers.stream().anyMatch(Normalizer::lowercases);
        }
    }
}

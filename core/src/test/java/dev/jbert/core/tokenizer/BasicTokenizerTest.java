package dev.jbert.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Normaliser and pre-tokenizer details where Java's own Unicode support would differ from the Rust
 * {@code tokenizers} library (Unicode 9.0 categories, Rust whitespace, per-character lower-casing).
 */
class BasicTokenizerTest {

    private final BasicTokenizer uncased = BasicTokenizer.of(TokenizerConfig.uncased());
    private final BasicTokenizer cased = BasicTokenizer.of(TokenizerConfig.cased());

    @Test
    void controlCharactersThatJavaCallsWhitespaceAreDeletedNotSplit() {
        // U+000B, U+000C, U+001F and U+0085 are Cc: clean_text drops them before mapping whitespace.
        assertEquals(List.of("ab"), words(cased, "a\u000Bb"));
        assertEquals(List.of("ab"), words(cased, "a\u000Cb"));
        assertEquals(List.of("ab"), words(cased, "a\u001Fb"));
        assertEquals(List.of("ab"), words(cased, "a\u0085b"));
    }

    @Test
    void noBreakSpacesSplitWords() {
        assertEquals(List.of("a", "b", "c", "d"), words(cased, "a\u00A0b\u202Fc\u3000d"));
    }

    @Test
    void formatAndPrivateUseCharactersAreDeleted() {
        assertEquals(List.of("ab"), words(cased, "a\u200Db"));
        assertEquals(List.of("ab"), words(cased, "a\uFEFFb"));
        assertEquals(List.of("ab"), words(cased, "a\uE001b"));
        assertEquals(List.of("ab"), words(cased, "a\uFFFDb"));
    }

    @Test
    void punctuationIsUnicode9() {
        // U+2E43 became punctuation in Unicode 10: tokenizers does not split on it.
        assertEquals(List.of("a\u2E43b"), words(cased, "a\u2E43b"));
        // U+166D was punctuation in Unicode 9 (So since 12): tokenizers splits on it.
        assertEquals(List.of("a", "\u166D", "b"), words(cased, "a\u166Db"));
        // ASCII symbols count as punctuation too.
        assertEquals(List.of("a", "$", "b", "^", "c"), words(cased, "a$b^c"));
        assertEquals(List.of("a", "—", "b"), words(cased, "a—b"));
    }

    @Test
    void onlyUnicode9NonSpacingMarksAreStripped() {
        // U+1ABF is Mn since Unicode 13, so tokenizers keeps it; U+0301 goes.
        assertEquals("a\u1ABF", uncased.normalize("A\u1ABF"));
        assertEquals("a", uncased.normalize("A\u0301"));
    }

    @Test
    void canonicalReorderingMovesMarksButNotSpans() {
        // NFD puts U+1D16D (Mc, class 226) before U+0301 (Mn, class 230), then U+0301 is stripped. In
        // tokenizers spans stay by position: U+1D16D takes the span of the second char, (1, 2).
        PreToken word = uncased.tokenize("a\u0301\uD834\uDD6D").get(0);
        assertEquals("a\uD834\uDD6D", word.text());
        assertEquals(new Offset(1, 2), word.originalOffset(1, 3));
        assertEquals(2, word.end());
    }

    @Test
    void lowercasingIsPerCharacter() {
        // Rust's char::to_lowercase has no final-sigma rule.
        assertEquals("οδοσ", uncased.normalize("ΟΔΟΣ"));
        // With accents stripped, İ decomposes first and loses its dot.
        assertEquals("istanbul", uncased.normalize("İstanbul"));
    }

    @Test
    void chineseRangesAreTheRustOnes() {
        String extE = new String(Character.toChars(0x2B820));
        String extEInRust = new String(Character.toChars(0x2B920));
        assertEquals(List.of("a" + extE + "b"), words(cased, "a" + extE + "b"));
        assertEquals(List.of("a", extEInRust, "b"), words(cased, "a" + extEInRust + "b"));
        assertEquals(List.of("a", "中", "b"), words(cased, "a中b"));
    }

    @Test
    void casedKeepsAccentsUnlessAskedToStrip() {
        assertEquals("Café", cased.normalize("Café"));
        BasicTokenizer casedStripping = BasicTokenizer.of(TokenizerConfig.cased().withStripAccents(true));
        assertEquals("Cafe", casedStripping.normalize("Café"));
        BasicTokenizer uncasedKeeping = BasicTokenizer.of(TokenizerConfig.uncased().withStripAccents(false));
        assertEquals("café", uncasedKeeping.normalize("Café"));
    }

    @Test
    void specialTokensAreMatchedVerbatimInTheRawText() {
        List<PreToken> words = uncased.tokenize("x[MASK]y [mask] [CLS][SEP]");
        assertEquals(List.of("x", "[MASK]", "y", "[", "mask", "]", "[CLS]", "[SEP]"),
                words.stream().map(PreToken::text).toList());
        assertTrue(words.get(1).isAddedToken());
        assertFalse(words.get(4).isAddedToken());
    }

    @Test
    void normalizedAddedTokensAreMatchedAfterLowercasing() {
        BasicTokenizer tokenizer = BasicTokenizer.of(
                TokenizerConfig.uncased().withAddedTokens(List.of(AddedToken.word("NewWord"))));
        List<PreToken> words = tokenizer.tokenize("a NEWWORD!");
        assertEquals(List.of("a", "newword", "!"), words.stream().map(PreToken::text).toList());
        assertTrue(words.get(1).isAddedToken());
        assertEquals(new Offset(2, 9), new Offset(words.get(1).start(), words.get(1).end()));
    }

    @Test
    void singleWordAndStripFlagsOfAddedTokens() {
        AddedToken single = new AddedToken("<x>", true, false, true, false, false);
        BasicTokenizer tokenizer = new BasicTokenizer(true, true, null, false, List.of(single));
        assertEquals(List.of("a", "<", "x", ">", "b"), words(tokenizer, "a<x>b"));
        assertEquals(List.of("a", "<x>", "b"), words(tokenizer, "a <x> b"));

        AddedToken stripping = new AddedToken("<y>", true, false, false, true, true);
        PreToken y = new BasicTokenizer(true, true, null, false, List.of(stripping)).tokenize("a  <y>  b").get(1);
        assertEquals("  <y>  ", y.text());
        assertEquals(new Offset(1, 8), new Offset(y.start(), y.end()));
    }

    @Test
    void nullTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> uncased.tokenize(null));
        assertThrows(IllegalArgumentException.class, () -> uncased.normalize(null));
    }

    private static List<String> words(BasicTokenizer tokenizer, String text) {
        return tokenizer.tokenize(text).stream().map(PreToken::text).toList();
    }
}

package dev.jbert.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Offsets into the original text, checked by hand (Java char indices). */
class OffsetsTest {

    private final Tokenizer uncased = Fixtures.uncased();

    @Test
    void accentedWordKeepsItsOriginalSpan() {
        Encoding e = uncased.encode("Héllo, World!");
        assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(0, 5), new Offset(5, 6), new Offset(7, 12),
                new Offset(12, 13), Offset.NONE), e.offsets());
    }

    @Test
    void decomposedAccentCountsInTheSpan() {
        // "He" + COMBINING ACUTE + "llo": six chars normalise to the five of "hello".
        Encoding e = uncased.encode("He\u0301llo");
        assertEquals(List.of("[CLS]", "hello", "[SEP]"), e.tokens());
        assertEquals(new Offset(0, 6), e.offsets().get(1));
    }

    @Test
    void subwordsSplitTheWordsSpan() {
        Encoding e = uncased.encode("unaffable");
        assertEquals(List.of("[CLS]", "una", "##ffa", "##ble", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(0, 3), new Offset(3, 6), new Offset(6, 9), Offset.NONE),
                e.offsets());
    }

    @Test
    void removedControlCharactersAreSkipped() {
        Encoding e = uncased.encode("\u0000control\u0007chars\u200B");
        assertEquals(List.of("[CLS]", "control", "##cha", "##rs", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(1, 8), new Offset(9, 12), new Offset(12, 14), Offset.NONE),
                e.offsets());
    }

    @Test
    void supplementaryCharactersTakeTwoChars() {
        Encoding e = uncased.encode("a \uD83D\uDE00 b");
        assertEquals(List.of("[CLS]", "a", "[UNK]", "b", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(0, 1), new Offset(2, 4), new Offset(5, 6), Offset.NONE),
                e.offsets());
    }

    @Test
    void chineseCharactersAreOneWordEach() {
        List<PreToken> words = uncased.basicTokenizer().tokenize("中文ab");
        assertEquals(List.of("中", "文", "ab"), words.stream().map(PreToken::text).toList());
        assertEquals(List.of(new Offset(0, 1), new Offset(1, 2), new Offset(2, 4)),
                words.stream().map(w -> new Offset(w.start(), w.end())).toList());
    }

    @Test
    void specialTokensInTheTextAreWordsWithTheirOwnSpan() {
        Encoding e = uncased.encode("[CLS] literal [SEP] tokens");
        assertEquals(List.of("[CLS]", "[CLS]", "literal", "[SEP]", "token", "##s", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(0, 5), new Offset(6, 13), new Offset(14, 19),
                new Offset(20, 25), new Offset(25, 26), Offset.NONE), e.offsets());
        assertArrayEquals(new int[] {-1, 0, 1, 2, 3, 3, -1}, e.wordIds());
        assertArrayEquals(new int[] {-1, 0, 0, 0, 0, 0, -1}, e.sequenceIds());
    }

    @Test
    void pairOffsetsAreIntoThePairText() {
        Encoding e = uncased.encode("Short.", "A cat");
        assertEquals(List.of("[CLS]", "short", ".", "[SEP]", "a", "cat", "[SEP]"), e.tokens());
        assertEquals(List.of(Offset.NONE, new Offset(0, 5), new Offset(5, 6), Offset.NONE,
                new Offset(0, 1), new Offset(2, 5), Offset.NONE), e.offsets());
        assertArrayEquals(new int[] {-1, 0, 1, -1, 0, 1, -1}, e.wordIds());
        assertArrayEquals(new int[] {-1, 0, 0, -1, 1, 1, -1}, e.sequenceIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1}, e.tokenTypeIds());
    }

    @Test
    void preSplitWordOffsetsAreWithinEachWord() {
        Encoding e = uncased.encodeWords(List.of("U.S.", "unaffable"));
        assertEquals(List.of("[CLS]", "u", ".", "s", ".", "una", "##ffa", "##ble", "[SEP]"), e.tokens());
        assertArrayEquals(new int[] {-1, 0, 0, 0, 0, 1, 1, 1, -1}, e.wordIds());
        assertEquals(List.of(Offset.NONE, new Offset(0, 1), new Offset(1, 2), new Offset(2, 3), new Offset(3, 4),
                new Offset(0, 3), new Offset(3, 6), new Offset(6, 9), Offset.NONE), e.offsets());
    }

    @Test
    void lowercasingThatExpandsKeepsTheSourceSpan() {
        // Without accent stripping, İ lower-cases to i + COMBINING DOT ABOVE: two chars from one.
        BasicTokenizer lowerOnly = new BasicTokenizer(true, true, false, true, List.of());
        PreToken word = lowerOnly.tokenize("İstanbul").get(0);
        assertEquals("i\u0307stanbul", word.text());
        assertEquals(0, word.start());
        assertEquals(8, word.end());
        assertEquals(new Offset(0, 1), word.originalOffset(0, 1));
        assertEquals(new Offset(0, 1), word.originalOffset(1, 2));
        assertEquals(new Offset(1, 2), word.originalOffset(2, 3));
    }
}

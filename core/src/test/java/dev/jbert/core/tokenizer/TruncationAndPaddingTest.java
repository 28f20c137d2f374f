package dev.jbert.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TruncationAndPaddingTest {

    private final Tokenizer tokenizer = Fixtures.uncased();

    @Test
    void longestFirstFollowsTheRustArithmetic() {
        // Worked by hand from tokenizers' truncate_encodings: [first kept, second kept].
        assertArrayEquals(new int[] {5, 4}, PostProcessor.longestFirst(8, 6, 9));
        assertArrayEquals(new int[] {2, 7}, PostProcessor.longestFirst(2, 20, 9));
        assertArrayEquals(new int[] {3, 4}, PostProcessor.longestFirst(5, 5, 7));
        assertArrayEquals(new int[] {3, 4}, PostProcessor.longestFirst(5, 6, 7));
        assertArrayEquals(new int[] {4, 3}, PostProcessor.longestFirst(6, 5, 7));
        assertArrayEquals(new int[] {4, 4}, PostProcessor.longestFirst(10, 10, 8));
        assertArrayEquals(new int[] {0, 5}, PostProcessor.longestFirst(0, 10, 5));
        assertArrayEquals(new int[] {0, 0}, PostProcessor.longestFirst(3, 3, 0));
    }

    @Test
    void singleSequenceIsCutAtTheEnd() {
        Encoding e = tokenizer.encode("the cat sat on the mat", new EncodeOptions(5, EncodeOptions.Truncation.LONGEST_FIRST,
                EncodeOptions.Padding.NONE));
        assertEquals(List.of("[CLS]", "the", "cat", "sat", "[SEP]"), e.tokens());
        assertTrue(e.truncated());
        assertFalse(tokenizer.encode("the cat").truncated());
    }

    @Test
    void truncationWithoutMaxLengthUsesModelMaxLength() {
        String longText = "word ".repeat(600);
        Encoding e = tokenizer.encode(longText, EncodeOptions.NONE.withTruncation(EncodeOptions.Truncation.LONGEST_FIRST));
        assertEquals(512, e.length());
        assertEquals(602, tokenizer.encode(longText).length());
    }

    @Test
    void paddingToMaxLengthDoesNotTruncate() {
        Encoding e = tokenizer.encode("a b c d", new EncodeOptions(4, EncodeOptions.Truncation.NONE,
                EncodeOptions.Padding.MAX_LENGTH));
        assertEquals(6, e.length());
        assertFalse(e.truncated());
    }

    @Test
    void batchIsPaddedToItsLongestMember() {
        List<Encoding> batch = tokenizer.encodeBatch(List.of("a", "a b c"),
                EncodeOptions.NONE.withPadding(EncodeOptions.Padding.LONGEST));
        Encoding shortOne = batch.get(0);
        assertEquals(5, shortOne.length());
        assertEquals(5, batch.get(1).length());
        assertEquals(List.of("[CLS]", "a", "[SEP]", "[PAD]", "[PAD]"), shortOne.tokens());
        assertArrayEquals(new int[] {101, 1037, 102, 0, 0}, shortOne.inputIds());
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, shortOne.attentionMask());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, shortOne.tokenTypeIds());
        assertArrayEquals(new int[] {-1, 0, -1, -1, -1}, shortOne.wordIds());
        assertArrayEquals(new int[] {-1, 0, -1, -1, -1}, shortOne.sequenceIds());
        assertEquals(Offset.NONE, shortOne.offsets().get(4));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, batch.get(1).attentionMask());
    }

    @Test
    void pairBatchPadsToLongestAndSingleLongestIsUnpadded() {
        List<Encoding> batch = tokenizer.encodeBatch(List.of("a", "a b"), List.of("b", "c d e"),
                EncodeOptions.dynamicPadding(64));
        assertEquals(8, batch.get(0).length());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 0, 0, 0}, batch.get(0).tokenTypeIds());
        assertEquals(3, tokenizer.encode("a", EncodeOptions.dynamicPadding(64)).length());
    }

    @Test
    void wordBatchesPadToo() {
        List<Encoding> batch = tokenizer.encodeWordsBatch(List.of(List.of("a"), List.of("a", "b", "c")),
                EncodeOptions.NONE.withPadding(EncodeOptions.Padding.LONGEST));
        assertArrayEquals(new int[] {-1, 0, -1, -1, -1}, batch.get(0).wordIds());
        assertArrayEquals(new int[] {-1, 0, 1, 2, -1}, batch.get(1).wordIds());
    }

    @Test
    void pairOfWordListsNumbersEachFromZero() {
        Encoding e = tokenizer.encodeWords(List.of("a", "b"), List.of("c", "d"), EncodeOptions.fixedLength(9));
        assertEquals(List.of("[CLS]", "a", "b", "[SEP]", "c", "d", "[SEP]", "[PAD]", "[PAD]"), e.tokens());
        assertArrayEquals(new int[] {-1, 0, 1, -1, 0, 1, -1, -1, -1}, e.wordIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 0, 0}, e.tokenTypeIds());
    }

    @Test
    void encodingIsImmutable() {
        Encoding e = tokenizer.encode("a");
        e.inputIds()[0] = 7;
        e.wordIds()[1] = 7;
        assertEquals(101, e.inputIds()[0]);
        assertEquals(0, e.wordIds()[1]);
        assertThrows(UnsupportedOperationException.class, () -> e.tokens().add("x"));
        assertEquals(e, tokenizer.encode("a"));
        assertEquals(e.hashCode(), tokenizer.encode("a").hashCode());
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EncodeOptions(0, EncodeOptions.Truncation.NONE,
                EncodeOptions.Padding.NONE));
        assertThrows(IllegalArgumentException.class, () -> new EncodeOptions(8, null, EncodeOptions.Padding.NONE));
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encode("a", "b", EncodeOptions.fixedLength(2)));
        assertTrue(tooShort.getMessage().contains("special tokens"), tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", (EncodeOptions) null));
        Tokenizer unlimited = Tokenizer.of(Fixtures.uncasedVocabulary(),
                TokenizerConfig.uncased().withModelMaxLength(TokenizerConfig.NO_MAX_LENGTH));
        IllegalArgumentException noLength = assertThrows(IllegalArgumentException.class,
                () -> unlimited.encode("a", EncodeOptions.NONE.withPadding(EncodeOptions.Padding.MAX_LENGTH)));
        assertTrue(noLength.getMessage().contains("maxLength"), noLength.getMessage());
    }
}

package dev.jbert.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WordPieceTokenizerTest {

    private final Vocabulary vocab = Vocabulary.of(List.of("[UNK]", "a", "ab", "##a", "##b", "##bc", "##c", "\uD83D\uDE00"));
    private final WordPieceTokenizer wordPiece = new WordPieceTokenizer(vocab, "[UNK]");

    @Test
    void takesTheLongestPieceFirst() {
        assertEquals(List.of("ab", "##c"), wordPiece.tokenize("abc"));
        assertEquals(List.of("a", "##bc"), new WordPieceTokenizer(
                Vocabulary.of(List.of("[UNK]", "a", "##bc", "##b")), "[UNK]").tokenize("abc"));
    }

    @Test
    void aWordWithoutFullCoverIsOneUnknownToken() {
        assertEquals(List.of("[UNK]"), wordPiece.tokenize("abd"));
        assertEquals(List.of("[UNK]"), wordPiece.tokenize("\uD83D\uDE00\uD83D\uDE00"));
        assertEquals(List.of("\uD83D\uDE00"), wordPiece.tokenize("\uD83D\uDE00"));
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        String hundred = String.join("", Collections.nCopies(100, "a"));
        assertEquals(100, wordPiece.tokenize(hundred).size());
        assertEquals(List.of("[UNK]"), wordPiece.tokenize(hundred + "a"));
        // The limit counts code points, not chars.
        WordPieceTokenizer short2 = new WordPieceTokenizer(vocab, "[UNK]", "##", 2);
        assertEquals(List.of("[UNK]"), short2.tokenize("aaa"));
        assertEquals(List.of("a", "##a"), short2.tokenize("aa"));
    }

    @Test
    void subTokenOffsetsFollowTheWordsSpans() {
        PreToken word = BasicTokenizer.of(TokenizerConfig.uncased()).tokenize("  ABC").get(0);
        List<Token> tokens = wordPiece.tokenize(word);
        assertEquals(List.of(new Token("ab", 2, new Offset(2, 4)), new Token("##c", 6, new Offset(4, 5))), tokens);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new WordPieceTokenizer(vocab, "[MISSING]"));
        assertThrows(IllegalArgumentException.class, () -> new WordPieceTokenizer(vocab, "[UNK]", "##", 0));
        assertThrows(IllegalArgumentException.class, () -> wordPiece.tokenize(""));
        assertThrows(IllegalArgumentException.class, () -> wordPiece.tokenize((String) null));
    }
}

package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece: splits one word into the longest vocabulary entries, left to right, with continuation
 * pieces carrying a prefix ({@code ##}), exactly as the {@code tokenizers} WordPiece model.
 *
 * <p>A word that cannot be covered entirely becomes a single unknown token, never a partial split, and so
 * does a word longer than {@code maxInputCharsPerWord} code points. Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements SubwordModel {

    /** The Hugging Face default for {@code max_input_chars_per_word}. */
    public static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

    private final Vocabulary vocabulary;
    private final String unkToken;
    private final int unkId;
    private final String continuingSubwordPrefix;
    private final int maxInputCharsPerWord;

    /**
     * @param vocabulary              the WordPiece vocabulary
     * @param unkToken                the unknown token, which must be in the vocabulary
     * @param continuingSubwordPrefix the prefix of pieces that continue a word, usually {@code ##}
     * @param maxInputCharsPerWord    longer words (in code points) become the unknown token
     */
    public WordPieceTokenizer(Vocabulary vocabulary, String unkToken, String continuingSubwordPrefix,
                              int maxInputCharsPerWord) {
        if (vocabulary == null || unkToken == null || continuingSubwordPrefix == null) {
            throw new IllegalArgumentException("vocabulary, unkToken and continuingSubwordPrefix must not be null");
        }
        if (maxInputCharsPerWord < 1) {
            throw new IllegalArgumentException("maxInputCharsPerWord must be positive, got " + maxInputCharsPerWord);
        }
        this.unkId = vocabulary.idOrMinusOne(unkToken);
        if (unkId < 0) {
            throw new IllegalArgumentException("the unknown token " + unkToken + " is not in the vocabulary");
        }
        this.vocabulary = vocabulary;
        this.unkToken = unkToken;
        this.continuingSubwordPrefix = continuingSubwordPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    /**
     * A WordPiece tokenizer with {@code ##} continuations and the default word length limit.
     *
     * @param vocabulary the vocabulary
     * @param unkToken   the token for a word that cannot be split into pieces of the vocabulary
     */
    public WordPieceTokenizer(Vocabulary vocabulary, String unkToken) {
        this(vocabulary, unkToken, "##", DEFAULT_MAX_INPUT_CHARS_PER_WORD);
    }

    /**
     * The pieces of one word, as strings.
     *
     * @param word one pre-tokenized word, not empty
     * @return the pieces, continuations prefixed; the unknown token alone for a word too long or that cannot be split
     */
    public List<String> tokenize(String word) {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("word must be a non-empty string");
        }
        List<String> out = new ArrayList<>();
        for (int[] piece : split(word)) {
            out.add(piece == null ? unkToken : pieceText(word, piece));
        }
        return out;
    }

    /** The pieces of one pre-tokenized word with their ids and offsets in the original text. */
    @Override
    public List<Token> tokenize(PreToken word) {
        if (word == null) {
            throw new IllegalArgumentException("word must not be null");
        }
        String text = word.text();
        List<int[]> pieces = split(text);
        List<Token> out = new ArrayList<>(pieces.size());
        for (int[] piece : pieces) {
            if (piece == null) {
                out.add(new Token(unkToken, unkId, word.originalOffset(0, text.length())));
            } else {
                String value = pieceText(text, piece);
                out.add(new Token(value, vocabulary.idOrMinusOne(value), word.originalOffset(piece[0], piece[1])));
            }
        }
        return out;
    }

    /**
     * The pieces as {@code [start, end)} char ranges of {@code word}, or a single null element when the
     * word is unknown. Candidate ends step back one code point at a time, so a surrogate pair is never cut.
     */
    private List<int[]> split(String word) {
        List<int[]> pieces = new ArrayList<>();
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            pieces.add(null);
            return pieces;
        }
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            boolean found = false;
            while (start < end) {
                if (vocabulary.contains(pieceText(word, start, end))) {
                    found = true;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (!found) {
                pieces.clear();
                pieces.add(null);
                return pieces;
            }
            pieces.add(new int[] {start, end});
            start = end;
        }
        return pieces;
    }

    private String pieceText(String word, int[] piece) {
        return pieceText(word, piece[0], piece[1]);
    }

    private String pieceText(String word, int start, int end) {
        String sub = word.substring(start, end);
        return start > 0 ? continuingSubwordPrefix + sub : sub;
    }

    @Override
    public int idOf(String token) {
        return vocabulary.idOrMinusOne(token);
    }

    @Override
    public String tokenOf(int id) {
        return vocabulary.tokenOrNull(id);
    }

    @Override
    public int size() {
        return vocabulary.size();
    }

    /** The vocabulary, for saving as {@code vocab.txt}. */
    Vocabulary vocabulary() {
        return vocabulary;
    }
}

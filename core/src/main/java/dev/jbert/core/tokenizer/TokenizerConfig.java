package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a BERT tokenizer normalises and which special tokens it uses: the settings of a Hugging Face
 * {@code tokenizer_config.json} (and of the {@code BertNormalizer} / {@code WordPiece} sections of a
 * {@code tokenizer.json}), with the same defaults as transformers' {@code Tokenizer}.
 *
 * @param doLowerCase             lower-case the text ({@code do_lower_case}, default true)
 * @param stripAccents            remove accents; null means "when lower-casing" ({@code strip_accents}, default null)
 * @param tokenizeChineseChars    one word per CJK ideograph ({@code tokenize_chinese_chars}, default true)
 * @param cleanText               drop control characters, map whitespace to spaces (always on for Tokenizer)
 * @param unkToken                unknown token, {@code [UNK]}
 * @param sepToken                separator, {@code [SEP]}
 * @param padToken                padding, {@code [PAD]}
 * @param clsToken                classification token, {@code [CLS]}
 * @param maskToken               mask token, {@code [MASK]}
 * @param addedTokens             further added tokens; an entry with the content of one of the five special
 *                                tokens replaces that token's default flags
 * @param modelMaxLength          the default length limit for truncation ({@code model_max_length}), or
 *                                {@link #NO_MAX_LENGTH}
 * @param continuingSubwordPrefix WordPiece continuation prefix, {@code ##}
 * @param maxInputCharsPerWord    longer words become the unknown token, 100
 */
public record TokenizerConfig(boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars,
                              boolean cleanText, String unkToken, String sepToken, String padToken,
                              String clsToken, String maskToken, List<AddedToken> addedTokens,
                              int modelMaxLength, String continuingSubwordPrefix, int maxInputCharsPerWord) {

    /** {@code model_max_length} when the model sets none (transformers uses 1e30). */
    public static final int NO_MAX_LENGTH = Integer.MAX_VALUE;

    /** BERT's 512 positions. */
    public static final int BERT_MAX_LENGTH = 512;

    /**
     * Validates the settings and copies the added tokens.
     *
     * @param unkToken                unknown token, {@code [UNK]}
     * @param doLowerCase             lower-case the text ({@code do_lower_case}, default true)
     * @param stripAccents            remove accents; null means "when lower-casing" ({@code strip_accents}, default
     *                                null)
     * @param tokenizeChineseChars    one word per CJK ideograph ({@code tokenize_chinese_chars}, default true)
     * @param cleanText               drop control characters, map whitespace to spaces (always on for Tokenizer)
     * @param sepToken                separator, {@code [SEP]}
     * @param padToken                padding, {@code [PAD]}
     * @param clsToken                classification token, {@code [CLS]}
     * @param maskToken               mask token, {@code [MASK]}
     * @param addedTokens             further added tokens; an entry with the content of one of the five special
     *                                tokens replaces that token's default flags
     * @param modelMaxLength          the default length limit for truncation ({@code model_max_length}), or
     *                                {@link #NO_MAX_LENGTH}
     * @param continuingSubwordPrefix WordPiece continuation prefix, {@code ##}
     * @param maxInputCharsPerWord    longer words become the unknown token, 100
     * @throws IllegalArgumentException if a special token is null or empty, {@code addedTokens} or
     *                                  {@code continuingSubwordPrefix} is null, or a length is not positive
     */
    public TokenizerConfig {
        requireToken(unkToken, "unkToken");
        requireToken(sepToken, "sepToken");
        requireToken(padToken, "padToken");
        requireToken(clsToken, "clsToken");
        requireToken(maskToken, "maskToken");
        if (addedTokens == null) {
            throw new IllegalArgumentException("addedTokens must not be null; use List.of()");
        }
        addedTokens = List.copyOf(addedTokens);
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
        if (continuingSubwordPrefix == null) {
            throw new IllegalArgumentException("continuingSubwordPrefix must not be null");
        }
        if (maxInputCharsPerWord < 1) {
            throw new IllegalArgumentException("maxInputCharsPerWord must be positive, got " + maxInputCharsPerWord);
        }
    }

    /**
     * bert-base-uncased: lower-casing, accent stripping, 512 tokens.
     *
     * @return the configuration
     */
    public static TokenizerConfig uncased() {
        return new TokenizerConfig(true, null, true, true, "[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]",
                List.of(), BERT_MAX_LENGTH, "##", WordPieceTokenizer.DEFAULT_MAX_INPUT_CHARS_PER_WORD);
    }

    /**
     * bert-base-cased: case and accents kept, 512 tokens.
     *
     * @return the configuration
     */
    public static TokenizerConfig cased() {
        return uncased().withDoLowerCase(false);
    }

    /**
     * This configuration with another {@code do_lower_case}.
     *
     * @param value whether to lower-case the text
     * @return a new configuration
     */
    public TokenizerConfig withDoLowerCase(boolean value) {
        return new TokenizerConfig(value, stripAccents, tokenizeChineseChars, cleanText, unkToken, sepToken,
                padToken, clsToken, maskToken, addedTokens, modelMaxLength, continuingSubwordPrefix,
                maxInputCharsPerWord);
    }

    /**
     * This configuration with another {@code strip_accents}; null follows {@code do_lower_case}.
     *
     * @param value whether to strip accents, or null
     * @return a new configuration
     */
    public TokenizerConfig withStripAccents(Boolean value) {
        return new TokenizerConfig(doLowerCase, value, tokenizeChineseChars, cleanText, unkToken, sepToken,
                padToken, clsToken, maskToken, addedTokens, modelMaxLength, continuingSubwordPrefix,
                maxInputCharsPerWord);
    }

    /**
     * This configuration with another {@code tokenize_chinese_chars}.
     *
     * @param value whether CJK characters are split into words of their own
     * @return a new configuration
     */
    public TokenizerConfig withTokenizeChineseChars(boolean value) {
        return new TokenizerConfig(doLowerCase, stripAccents, value, cleanText, unkToken, sepToken,
                padToken, clsToken, maskToken, addedTokens, modelMaxLength, continuingSubwordPrefix,
                maxInputCharsPerWord);
    }

    /**
     * This configuration with another {@code model_max_length}.
     *
     * @param value the longest input, in tokens, at least 1
     * @return a new configuration
     */
    public TokenizerConfig withModelMaxLength(int value) {
        return new TokenizerConfig(doLowerCase, stripAccents, tokenizeChineseChars, cleanText, unkToken, sepToken,
                padToken, clsToken, maskToken, addedTokens, value, continuingSubwordPrefix, maxInputCharsPerWord);
    }

    /**
     * This configuration with other added tokens besides the five special ones.
     *
     * @param value the added tokens, not null
     * @return a new configuration
     */
    public TokenizerConfig withAddedTokens(List<AddedToken> value) {
        return new TokenizerConfig(doLowerCase, stripAccents, tokenizeChineseChars, cleanText, unkToken, sepToken,
                padToken, clsToken, maskToken, value, modelMaxLength, continuingSubwordPrefix, maxInputCharsPerWord);
    }

    /**
     * Whether accents are stripped once the null default is resolved.
     *
     * @return whether accents are stripped
     */
    public boolean stripsAccents() {
        return stripAccents == null ? doLowerCase : stripAccents;
    }

    /**
     * The five special tokens followed by the other added tokens, one entry per content.
     *
     * @return a new list, special tokens first
     */
    public List<AddedToken> allAddedTokens() {
        Map<String, AddedToken> byContent = new LinkedHashMap<>();
        for (String special : List.of(unkToken, sepToken, padToken, clsToken, maskToken)) {
            byContent.put(special, AddedToken.special(special));
        }
        for (AddedToken token : addedTokens) {
            byContent.put(token.content(), token);
        }
        return new ArrayList<>(byContent.values());
    }

    private static void requireToken(String token, String name) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string");
        }
    }
}

package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's text splitting before WordPiece: Hugging Face's {@code BertNormalizer} followed by
 * {@code BertPreTokenizer}, with added tokens ({@code [CLS]}, {@code [SEP]}, ...) pulled out first.
 *
 * <ol>
 *   <li>Added tokens with {@code normalized = false} are found in the raw text and kept verbatim.</li>
 *   <li>Every other stretch is normalised: {@code clean_text} (drop control characters, whitespace to
 *       spaces), {@code handle_chinese_chars} (spaces around CJK ideographs), {@code strip_accents}
 *       (NFD, then drop non-spacing marks), {@code lowercase}. Then added tokens with
 *       {@code normalized = true} are found in the normalised text.</li>
 *   <li>The rest is split on whitespace (dropped) and punctuation (each character its own word).</li>
 * </ol>
 *
 * <p>Every word keeps the span of original text it came from; see {@link PreToken}. Instances are
 * immutable and thread-safe.
 */
public final class BasicTokenizer {

    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final AddedTokenMatcher rawTokens;
    private final AddedTokenMatcher normalizedTokens;

    /**
     * @param cleanText          drop control characters and map whitespace to spaces
     * @param handleChineseChars split CJK ideographs into one word each
     * @param stripAccents       remove accents; null means "when lower-casing", the BERT default
     * @param lowercase          lower-case the text
     * @param addedTokens        tokens to keep whole; may be empty
     */
    public BasicTokenizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase,
                          Collection<AddedToken> addedTokens) {
        if (addedTokens == null) {
            throw new IllegalArgumentException("addedTokens must not be null; pass an empty list for none");
        }
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents == null ? lowercase : stripAccents;
        this.lowercase = lowercase;
        Map<String, AddedToken> raw = new LinkedHashMap<>();
        Map<String, AddedToken> normalized = new LinkedHashMap<>();
        for (AddedToken token : addedTokens) {
            if (token.normalized()) {
                // tokenizers matches these against their own normalised form, e.g. lower-cased.
                normalized.put(normalize(token.content()), token);
            } else {
                raw.put(token.content(), token);
            }
        }
        this.rawTokens = new AddedTokenMatcher(raw);
        this.normalizedTokens = new AddedTokenMatcher(normalized);
    }

    /** The basic tokenizer described by a configuration, with its special and added tokens. */
    public static BasicTokenizer of(TokenizerConfig config) {
        return new BasicTokenizer(config.cleanText(), config.tokenizeChineseChars(), config.stripAccents(),
                config.doLowerCase(), config.allAddedTokens());
    }

    /** Splits {@code text} into words with their offsets in {@code text}. */
    public List<PreToken> tokenize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        List<PreToken> words = new ArrayList<>();
        NormalizedString whole = NormalizedString.of(text);
        for (AddedTokenMatcher.Segment raw : rawTokens.split(whole)) {
            if (raw.token() != null) {
                words.add(PreToken.of(whole, raw.from(), raw.to(), raw.token()));
                continue;
            }
            NormalizedString piece = whole.slice(raw.from(), raw.to());
            normalize(piece);
            for (AddedTokenMatcher.Segment segment : normalizedTokens.split(piece)) {
                if (segment.token() != null) {
                    words.add(PreToken.of(piece, segment.from(), segment.to(), segment.token()));
                } else {
                    splitWords(piece, segment.from(), segment.to(), words);
                }
            }
        }
        return words;
    }

    /** The normalised form of {@code text}, as Hugging Face's {@code normalizer.normalize_str}. */
    public String normalize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        NormalizedString s = NormalizedString.of(text);
        normalize(s);
        return s.text();
    }

    private void normalize(NormalizedString s) {
        if (cleanText) {
            s.cleanText();
        }
        if (handleChineseChars) {
            s.padChineseChars();
        }
        if (stripAccents) {
            s.stripAccents();
        }
        if (lowercase) {
            s.lowercase();
        }
    }

    /** BertPreTokenizer: whitespace separates words and is dropped; punctuation is a word on its own. */
    private static void splitWords(NormalizedString s, int from, int to, List<PreToken> out) {
        int wordStart = -1;
        for (int i = from; i < to; i++) {
            int c = s.codePointAt(i);
            boolean space = CharClasses.isWhitespace(c);
            if (space || CharClasses.isPunctuation(c)) {
                if (wordStart >= 0) {
                    out.add(PreToken.of(s, wordStart, i, null));
                    wordStart = -1;
                }
                if (!space) {
                    out.add(PreToken.of(s, i, i + 1, null));
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
        }
        if (wordStart >= 0) {
            out.add(PreToken.of(s, wordStart, to, null));
        }
    }
}

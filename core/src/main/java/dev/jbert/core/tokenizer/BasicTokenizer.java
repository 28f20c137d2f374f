package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages before the model: added tokens pulled out, the normalizer, the pre-tokenizer. BERT's are
 * {@code BertNormalizer} and {@code BertPreTokenizer}; other families bring their own from {@code tokenizer.json}.
 *
 * <ol>
 *   <li>Added tokens with {@code normalized = false} are found in the raw text and kept verbatim.</li>
 *   <li>Every other stretch is normalised (for BERT: {@code clean_text}, {@code handle_chinese_chars},
 *       {@code strip_accents}, {@code lowercase}). Then added tokens with {@code normalized = true} are found in the
 *       normalised text.</li>
 *   <li>The rest is cut into words by the pre-tokenizer (for BERT: on whitespace, which is dropped, and
 *       punctuation, each character its own word).</li>
 * </ol>
 *
 * <p>Every word keeps the span of original text it came from; see {@link PreToken}. Instances are
 * immutable and thread-safe.
 */
public final class BasicTokenizer {

    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final AddedTokenMatcher rawTokens;
    private final AddedTokenMatcher normalizedTokens;

    /**
     * BERT's stages.
     *
     * @param cleanText          drop control characters and map whitespace to spaces
     * @param handleChineseChars split CJK ideographs into one word each
     * @param stripAccents       remove accents; null means "when lower-casing", the BERT default
     * @param lowercase          lower-case the text
     * @param addedTokens        tokens to keep whole; may be empty
     */
    public BasicTokenizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase,
                          Collection<AddedToken> addedTokens) {
        this(new Normalizer.Bert(cleanText, handleChineseChars, stripAccents == null ? lowercase : stripAccents, lowercase),
                new PreTokenizer.Bert(), addedTokens);
    }

    /**
     * @param normalizer   null for none
     * @param preTokenizer null for none: the whole text is one word
     */
    BasicTokenizer(Normalizer normalizer, PreTokenizer preTokenizer, Collection<AddedToken> addedTokens) {
        if (addedTokens == null) {
            throw new IllegalArgumentException("addedTokens must not be null; pass an empty list for none");
        }
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
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

    /**
     * The basic tokenizer described by a configuration, with its special and added tokens.
     *
     * @param config the configuration
     * @return the basic tokenizer
     */
    public static BasicTokenizer of(TokenizerConfig config) {
        return new BasicTokenizer(config.cleanText(), config.tokenizeChineseChars(), config.stripAccents(),
                config.doLowerCase(), config.allAddedTokens());
    }

    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** Whether the normalizer lower-cases. */
    boolean lowercases() {
        return normalizer != null && normalizer.lowercases();
    }

    /**
     * Splits {@code text} into words with their offsets in {@code text}.
     *
     * @param text the text, not null
     * @return the words, in order
     */
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
            if (normalizer != null) normalizer.normalize(piece);
            for (AddedTokenMatcher.Segment segment : normalizedTokens.split(piece)) {
                if (segment.token() != null) {
                    words.add(PreToken.of(piece, segment.from(), segment.to(), segment.token()));
                    continue;
                }
                NormalizedString rest = piece.slice(segment.from(), segment.to());
                List<NormalizedString> parts = preTokenizer == null ? List.of(rest) : preTokenizer.split(rest);
                for (NormalizedString w : parts) {
                    if (!w.isEmpty()) words.add(PreToken.of(w, 0, w.size(), null));
                }
            }
        }
        return words;
    }

    /**
     * The normalised form of {@code text}, as Hugging Face's {@code normalizer.normalize_str}.
     *
     * @param text the text, not null
     * @return the normalised text
     */
    public String normalize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        NormalizedString s = NormalizedString.of(text);
        if (normalizer != null) normalizer.normalize(s);
        return s.text();
    }
}

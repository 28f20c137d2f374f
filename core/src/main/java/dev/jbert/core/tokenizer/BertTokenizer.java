package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT tokenizer that produces exactly what Hugging Face transformers' {@code BertTokenizer} (the Rust
 * {@code tokenizers} pipeline: BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing) produces:
 * the same tokens, ids, type ids, attention masks, word ids and truncation.
 *
 * <pre>{@code
 * BertTokenizer tokenizer = BertTokenizer.fromDirectory(Path.of("bert-base-uncased"));
 * Encoding e = tokenizer.encode("The cat sat.", "It was tired.", EncodeOptions.fixedLength(128));
 * }</pre>
 *
 * <p>Offsets are Java {@code char} indices, where Hugging Face counts code points; they differ only after
 * characters outside the Basic Multilingual Plane. Instances are immutable and thread-safe.
 */
public final class BertTokenizer {

    private final Vocabulary vocabulary;
    private final TokenizerConfig config;
    private final BasicTokenizer basicTokenizer;
    private final WordPieceTokenizer wordPiece;
    private final Map<String, Integer> addedTokenIds;
    private final Map<Integer, String> addedTokensById;
    private final PostProcessor postProcessor;
    private final int size;

    /**
     * @param explicitIds ids the tokenizer files give to added tokens; the others get their vocabulary id,
     *                    or failing that the next free id, as Hugging Face assigns them
     */
    BertTokenizer(Vocabulary vocabulary, TokenizerConfig config, Map<String, Integer> explicitIds) {
        if (vocabulary == null || config == null) {
            throw new IllegalArgumentException("vocabulary and config must not be null");
        }
        this.vocabulary = vocabulary;
        this.config = config;
        this.addedTokenIds = assignAddedTokenIds(vocabulary, config, explicitIds);
        this.addedTokensById = new HashMap<>();
        addedTokenIds.forEach((token, id) -> addedTokensById.put(id, token));
        // WordPiece itself needs [UNK]; the template and padding need ids the model was trained with.
        requireInVocabulary(config.unkToken(), "unknown", vocabulary.contains(config.unkToken()));
        requireInVocabulary(config.clsToken(), "classification", hasId(config.clsToken(), explicitIds));
        requireInVocabulary(config.sepToken(), "separator", hasId(config.sepToken(), explicitIds));
        requireInVocabulary(config.padToken(), "padding", hasId(config.padToken(), explicitIds));
        this.basicTokenizer = BasicTokenizer.of(config);
        this.wordPiece = new WordPieceTokenizer(vocabulary, config.unkToken(), config.continuingSubwordPrefix(),
                config.maxInputCharsPerWord());
        this.postProcessor = new PostProcessor(config.clsToken(), addedTokenIds.get(config.clsToken()),
                config.sepToken(), addedTokenIds.get(config.sepToken()),
                config.padToken(), addedTokenIds.get(config.padToken()));
        int maxId = vocabulary.size() - 1;
        for (int id : addedTokenIds.values()) {
            maxId = Math.max(maxId, id);
        }
        this.size = maxId + 1;
    }

    /**
     * Loads a Hugging Face tokenizer folder: {@code tokenizer.json} when present (it must hold a WordPiece
     * model with a BertNormalizer and BertPreTokenizer; its fixed truncation and padding are ignored),
     * otherwise {@code vocab.txt} with the settings of an optional {@code tokenizer_config.json}
     * ({@code do_lower_case} defaults to true). {@code model_max_length} and special token names come from
     * {@code tokenizer_config.json} in both cases.
     *
     * @throws ModelFileException naming the offending file if the folder holds no usable tokenizer
     */
    public static BertTokenizer fromDirectory(Path directory) {
        return TokenizerFiles.load(directory);
    }

    /** A tokenizer over {@code vocabulary} configured in code. */
    public static BertTokenizer of(Vocabulary vocabulary, TokenizerConfig config) {
        return new BertTokenizer(vocabulary, config, Map.of());
    }

    /** The WordPiece tokens of {@code text}, without special tokens: Hugging Face {@code tokenize}. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (Token t : sequenceOfText(text).tokens()) {
            out.add(t.value());
        }
        return out;
    }

    /** {@code [CLS] text [SEP]}, no truncation or padding. */
    public Encoding encode(String text) {
        return encode(text, EncodeOptions.NONE);
    }

    /** {@code [CLS] text [SEP]}, truncated and padded as {@code options} say. */
    public Encoding encode(String text, EncodeOptions options) {
        return finish(sequenceOfText(text), null, options);
    }

    /** {@code [CLS] text [SEP] pair [SEP]}, no truncation or padding. */
    public Encoding encode(String text, String pair) {
        return encode(text, pair, EncodeOptions.NONE);
    }

    /** {@code [CLS] text [SEP] pair [SEP]}, truncated and padded as {@code options} say. */
    public Encoding encode(String text, String pair, EncodeOptions options) {
        requireText(pair, "pair");
        return finish(sequenceOfText(text), sequenceOfText(pair), options);
    }

    /**
     * Pre-split words, as transformers with {@code is_split_into_words=True}: each word is tokenised on its
     * own and its tokens carry its index as word id. No truncation or padding.
     */
    public Encoding encodeWords(List<String> words) {
        return encodeWords(words, EncodeOptions.NONE);
    }

    /** Pre-split words, truncated and padded as {@code options} say. */
    public Encoding encodeWords(List<String> words, EncodeOptions options) {
        return finish(sequenceOfWords(words), null, options);
    }

    /** A pair of pre-split word lists; word ids of the second list also start at 0. */
    public Encoding encodeWords(List<String> words, List<String> pairWords) {
        return encodeWords(words, pairWords, EncodeOptions.NONE);
    }

    /** A pair of pre-split word lists, truncated and padded as {@code options} say. */
    public Encoding encodeWords(List<String> words, List<String> pairWords, EncodeOptions options) {
        if (pairWords == null) {
            throw new IllegalArgumentException("pairWords must not be null");
        }
        return finish(sequenceOfWords(words), sequenceOfWords(pairWords), options);
    }

    /** Encodes texts; with {@link EncodeOptions.Padding#LONGEST} all are padded to the longest. */
    public List<Encoding> encodeBatch(List<String> texts, EncodeOptions options) {
        requireList(texts, "texts");
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(encode(text, options));
        }
        return padToLongest(out, options);
    }

    /** Encodes text pairs, {@code texts.get(i)} with {@code pairs.get(i)}. */
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodeOptions options) {
        requireList(texts, "texts");
        requireList(pairs, "pairs");
        if (texts.size() != pairs.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        List<Encoding> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(encode(texts.get(i), pairs.get(i), options));
        }
        return padToLongest(out, options);
    }

    /** Encodes lists of pre-split words; with {@link EncodeOptions.Padding#LONGEST} all are padded to the longest. */
    public List<Encoding> encodeWordsBatch(List<List<String>> batch, EncodeOptions options) {
        requireList(batch, "batch");
        List<Encoding> out = new ArrayList<>(batch.size());
        for (List<String> words : batch) {
            out.add(encodeWords(words, options));
        }
        return padToLongest(out, options);
    }

    /** The id of {@code token}, an added token or a vocabulary entry, or the unknown token's id. */
    public int tokenToId(String token) {
        Integer added = addedTokenIds.get(token);
        if (added != null) {
            return added;
        }
        int id = vocabulary.idOrMinusOne(token);
        return id >= 0 ? id : vocabulary.idOrMinusOne(config.unkToken());
    }

    /**
     * The token with id {@code id}.
     *
     * @throws IllegalArgumentException if no token has that id
     */
    public String idToToken(int id) {
        String added = addedTokensById.get(id);
        return added != null ? added : vocabulary.token(id);
    }

    /** Number of ids including added tokens: the rows the word embedding needs (Hugging Face {@code len(tokenizer)}). */
    public int size() {
        return size;
    }

    /** The WordPiece vocabulary. */
    /** Writes {@code vocab.txt} and {@code tokenizer_config.json} into {@code dir}, as transformers saves them. */
    public void save(Path dir) {
        TokenizerFiles.save(vocabulary(), config(), dir);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The settings this tokenizer runs with. */
    public TokenizerConfig config() {
        return config;
    }

    /** The normaliser and pre-tokenizer stage, for inspecting words and offsets. */
    public BasicTokenizer basicTokenizer() {
        return basicTokenizer;
    }

    private PostProcessor.Sequence sequenceOfText(String text) {
        requireText(text, "text");
        List<PreToken> words = basicTokenizer.tokenize(text);
        List<Token> tokens = new ArrayList<>(words.size() + 8);
        List<Integer> wordIds = new ArrayList<>(words.size() + 8);
        for (int w = 0; w < words.size(); w++) {
            addWord(words.get(w), w, tokens, wordIds);
        }
        return new PostProcessor.Sequence(tokens, toArray(wordIds));
    }

    private PostProcessor.Sequence sequenceOfWords(List<String> words) {
        requireList(words, "words");
        List<Token> tokens = new ArrayList<>(words.size() * 2);
        List<Integer> wordIds = new ArrayList<>(words.size() * 2);
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            if (word == null) {
                throw new IllegalArgumentException("word " + w + " is null");
            }
            // Hugging Face treats each given word as a separate text, so offsets are within the word.
            for (PreToken piece : basicTokenizer.tokenize(word)) {
                addWord(piece, w, tokens, wordIds);
            }
        }
        return new PostProcessor.Sequence(tokens, toArray(wordIds));
    }

    private void addWord(PreToken word, int wordId, List<Token> tokens, List<Integer> wordIds) {
        if (word.isAddedToken()) {
            int id = addedTokenIds.get(word.addedToken().content());
            tokens.add(new Token(word.text(), id, new Offset(word.start(), word.end())));
            wordIds.add(wordId);
            return;
        }
        for (Token t : wordPiece.tokenize(word)) {
            tokens.add(t);
            wordIds.add(wordId);
        }
    }

    private Encoding finish(PostProcessor.Sequence first, PostProcessor.Sequence second, EncodeOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use EncodeOptions.NONE");
        }
        Integer limit = null;
        if (options.truncation() == EncodeOptions.Truncation.LONGEST_FIRST) {
            int max = options.maxLength() != null ? options.maxLength() : config.modelMaxLength();
            // transformers does not truncate when the model declares no limit.
            limit = max == TokenizerConfig.NO_MAX_LENGTH ? null : max;
        }
        Encoding encoding = postProcessor.process(first, second, limit);
        if (options.padding() == EncodeOptions.Padding.MAX_LENGTH) {
            encoding = postProcessor.pad(encoding, paddingLength(options));
        }
        return encoding;
    }

    private int paddingLength(EncodeOptions options) {
        if (options.maxLength() != null) {
            return options.maxLength();
        }
        if (config.modelMaxLength() == TokenizerConfig.NO_MAX_LENGTH) {
            throw new IllegalArgumentException("padding to MAX_LENGTH needs a maxLength: this tokenizer has no model_max_length");
        }
        return config.modelMaxLength();
    }

    private List<Encoding> padToLongest(List<Encoding> batch, EncodeOptions options) {
        if (options.padding() != EncodeOptions.Padding.LONGEST) {
            return batch;
        }
        int longest = 0;
        for (Encoding e : batch) {
            longest = Math.max(longest, e.length());
        }
        List<Encoding> out = new ArrayList<>(batch.size());
        for (Encoding e : batch) {
            out.add(postProcessor.pad(e, longest));
        }
        return out;
    }

    private static Map<String, Integer> assignAddedTokenIds(Vocabulary vocabulary, TokenizerConfig config,
                                                            Map<String, Integer> explicitIds) {
        Map<String, Integer> ids = new HashMap<>();
        int next = vocabulary.size();
        for (int id : explicitIds.values()) {
            next = Math.max(next, id + 1);
        }
        for (AddedToken token : config.allAddedTokens()) {
            String content = token.content();
            Integer id = explicitIds.get(content);
            if (id == null) {
                int inVocabulary = vocabulary.idOrMinusOne(content);
                id = inVocabulary >= 0 ? inVocabulary : next++;
            }
            ids.put(content, id);
        }
        return Map.copyOf(ids);
    }

    private boolean hasId(String token, Map<String, Integer> explicitIds) {
        return vocabulary.contains(token) || explicitIds.containsKey(token);
    }

    private void requireInVocabulary(String token, String role, boolean present) {
        if (present) {
            return;
        }
        String message = "the vocabulary has no " + role + " token " + token
                + "; a BERT vocabulary must contain " + config.unkToken() + ", " + config.clsToken() + ", "
                + config.sepToken() + " and " + config.padToken();
        if (vocabulary.source() != null) {
            throw new ModelFileException(vocabulary.source(), message);
        }
        throw new IllegalArgumentException(message);
    }

    private static void requireText(String text, String name) {
        if (text == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void requireList(List<?> list, String name) {
        if (list == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static int[] toArray(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}

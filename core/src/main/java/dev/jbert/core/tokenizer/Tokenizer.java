package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Hugging Face tokenizer, stage by stage as the Rust {@code tokenizers} library runs a {@code tokenizer.json}: added
 * tokens pulled out, the normalizer, the pre-tokenizer, the model (WordPiece, byte-level BPE or Unigram), then the
 * template, truncation and padding. It produces what transformers produces: the same tokens, ids, type ids, attention
 * masks, word ids, offsets and truncation.
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.fromDirectory(Path.of("roberta-base"));
 * Encoding e = tokenizer.encode("The cat sat.", "It was tired.", EncodeOptions.fixedLength(128));
 * }</pre>
 *
 * <p>Offsets are Java {@code char} indices, where Hugging Face counts code points; they differ only after
 * characters outside the Basic Multilingual Plane. Instances are immutable and thread-safe.
 */
public final class Tokenizer {

    private static final Logger LOG = LoggerFactory.getLogger(Tokenizer.class);

    /**
     * The stages and settings a tokenizer is built from.
     *
     * @param wordsRunTogether byte-level BPE without {@code add_prefix_space}: each pre-split word is tokenized as
     *                       if it continued the word before it, as transformers does, which splits words oddly
     * @param addedTokenIds  ids of the added and special tokens
     * @param files          the files to copy when saving; empty when {@code wordPieceConfig} is written instead
     * @param wordPieceConfig the settings of a WordPiece tokenizer without a {@code tokenizer.json}, or null
     */
    record Parts(SubwordModel model, BasicTokenizer splitter, PostProcessor processor, boolean wordsRunTogether,
                 Map<String, Integer> addedTokenIds, String unkToken, String padToken,
                 String maskToken, int modelMaxLength, Path source, List<Path> files, TokenizerConfig wordPieceConfig) {
    }

    private final SubwordModel model;
    private final BasicTokenizer splitter;
    private final PostProcessor postProcessor;
    private final AtomicBoolean warnedAboutWords = new AtomicBoolean();
    private final Map<String, Integer> addedTokenIds;
    private final Map<Integer, String> addedTokensById;
    private final Parts parts;
    private final int size;

    Tokenizer(Parts parts) {
        this.parts = parts;
        this.model = parts.model();
        this.splitter = parts.splitter();
        this.postProcessor = parts.processor();
        this.addedTokenIds = Map.copyOf(parts.addedTokenIds());
        this.addedTokensById = new HashMap<>();
        addedTokenIds.forEach((token, id) -> addedTokensById.put(id, token));
        int maxId = model.size() - 1;
        for (int id : addedTokenIds.values()) {
            maxId = Math.max(maxId, id);
        }
        this.size = maxId + 1;
    }

    /**
     * Loads a Hugging Face tokenizer folder: {@code tokenizer.json} when present, read stage by stage (its fixed
     * truncation and padding are ignored; lengths come from {@link EncodeOptions}); otherwise {@code vocab.txt}
     * (WordPiece), or {@code vocab.json} with {@code merges.txt} (byte-level BPE), with the settings of an optional
     * {@code tokenizer_config.json}. {@code model_max_length} and special token names come from
     * {@code tokenizer_config.json} in every case.
     *
     * @param directory the tokenizer folder, often the model's folder
     * @return the tokenizer
     * @throws ModelFileException naming the offending file, and the component, if the folder holds no usable tokenizer
     */
    public static Tokenizer fromDirectory(Path directory) {
        return TokenizerFiles.load(directory);
    }

    /**
     * A BERT WordPiece tokenizer over {@code vocabulary} configured in code.
     *
     * @param vocabulary the WordPiece vocabulary
     * @param config     the special tokens, casing and other settings
     * @return the tokenizer
     */
    public static Tokenizer of(Vocabulary vocabulary, TokenizerConfig config) {
        return TokenizerFiles.wordPiece(vocabulary, config, Map.of(), null);
    }

    /**
     * The tokens of {@code text}, without special tokens: Hugging Face {@code tokenize}.
     *
     * @param text the text, not null
     * @return the tokens, in order
     */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (Token t : sequenceOfText(text).tokens()) {
            out.add(t.value());
        }
        return out;
    }

    /**
     * {@code [CLS] text [SEP]}, no truncation or padding.
     *
     * @param text the text, not null
     * @return the encoding
     */
    public Encoding encode(String text) {
        return encode(text, EncodeOptions.NONE);
    }

    /**
     * {@code [CLS] text [SEP]}, truncated and padded as {@code options} say.
     *
     * @param text    the text, not null
     * @param options truncation and padding
     * @return the encoding
     */
    public Encoding encode(String text, EncodeOptions options) {
        return finish(sequenceOfText(text), null, options);
    }

    /**
     * {@code [CLS] text [SEP] pair [SEP]}, no truncation or padding.
     *
     * @param text the first sequence, not null
     * @param pair the second sequence, not null
     * @return the encoding
     */
    public Encoding encode(String text, String pair) {
        return encode(text, pair, EncodeOptions.NONE);
    }

    /**
     * {@code [CLS] text [SEP] pair [SEP]}, truncated and padded as {@code options} say.
     *
     * @param text    the first sequence, not null
     * @param pair    the second sequence, not null
     * @param options truncation and padding
     * @return the encoding
     */
    public Encoding encode(String text, String pair, EncodeOptions options) {
        requireText(pair, "pair");
        return finish(sequenceOfText(text), sequenceOfText(pair), options);
    }

    /**
     * Pre-split words, as transformers with {@code is_split_into_words=True}: each word is tokenised on its
     * own and its tokens carry its index as word id. No truncation or padding.
     *
     * @param words the words, in order
     * @return the encoding; its word ids index {@code words}
     */
    public Encoding encodeWords(List<String> words) {
        return encodeWords(words, EncodeOptions.NONE);
    }

    /**
     * Pre-split words, truncated and padded as {@code options} say.
     *
     * @param words   the words, in order
     * @param options truncation and padding
     * @return the encoding; its word ids index {@code words}
     */
    public Encoding encodeWords(List<String> words, EncodeOptions options) {
        return finish(sequenceOfWords(words), null, options);
    }

    /**
     * A pair of pre-split word lists; word ids of the second list also start at 0.
     *
     * @param words     the words of the first sequence
     * @param pairWords the words of the second sequence, not null
     * @return the encoding
     */
    public Encoding encodeWords(List<String> words, List<String> pairWords) {
        return encodeWords(words, pairWords, EncodeOptions.NONE);
    }

    /**
     * A pair of pre-split word lists, truncated and padded as {@code options} say.
     *
     * @param words     the words of the first sequence
     * @param pairWords the words of the second sequence, not null
     * @param options   truncation and padding
     * @return the encoding
     */
    public Encoding encodeWords(List<String> words, List<String> pairWords, EncodeOptions options) {
        if (pairWords == null) {
            throw new IllegalArgumentException("pairWords must not be null");
        }
        return finish(sequenceOfWords(words), sequenceOfWords(pairWords), options);
    }

    /**
     * Encodes texts; with {@link EncodeOptions.Padding#LONGEST} all are padded to the longest.
     *
     * @param texts   the texts, not null
     * @param options truncation and padding
     * @return one encoding per text, in order
     */
    public List<Encoding> encodeBatch(List<String> texts, EncodeOptions options) {
        requireList(texts, "texts");
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(encode(text, options));
        }
        return padToLongest(out, options);
    }

    /**
     * Encodes text pairs, {@code texts.get(i)} with {@code pairs.get(i)}.
     *
     * @param texts   the first sequences, not null
     * @param pairs   the second sequences, as many as {@code texts}
     * @param options truncation and padding; {@link EncodeOptions.Padding#LONGEST} pads all to the longest
     * @return one encoding per pair, in order
     */
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

    /**
     * Encodes lists of pre-split words; with {@link EncodeOptions.Padding#LONGEST} all are padded to the longest.
     *
     * @param batch   one list of words per example, not null
     * @param options truncation and padding
     * @return one encoding per example, in order
     */
    public List<Encoding> encodeWordsBatch(List<List<String>> batch, EncodeOptions options) {
        requireList(batch, "batch");
        List<Encoding> out = new ArrayList<>(batch.size());
        for (List<String> words : batch) {
            out.add(encodeWords(words, options));
        }
        return padToLongest(out, options);
    }

    /**
     * The id of {@code token}, an added token or a vocabulary entry, or the unknown token's id (-1 without one).
     *
     * @param token the token's string, as in the vocabulary
     * @return its id
     */
    public int tokenToId(String token) {
        Integer added = addedTokenIds.get(token);
        if (added != null) {
            return added;
        }
        int id = model.idOf(token);
        if (id >= 0 || parts.unkToken() == null) return id;
        Integer unk = addedTokenIds.get(parts.unkToken());
        return unk != null ? unk : model.idOf(parts.unkToken());
    }

    /**
     * The token with id {@code id}.
     *
     * @param id a token id, in {@code [0, size())}
     * @return the token's string
     * @throws IllegalArgumentException if no token has that id
     */
    public String idToToken(int id) {
        String added = addedTokensById.get(id);
        if (added != null) return added;
        String token = model.tokenOf(id);
        if (token == null) throw new IllegalArgumentException("no token with id " + id + " in a vocabulary of " + size);
        return token;
    }

    /**
     * Number of ids including added tokens: the rows the word embedding needs (Hugging Face {@code len(tokenizer)}).
     *
     * @return the vocabulary size plus the added tokens beyond it
     */
    public int size() {
        return size;
    }

    /**
     * The largest token type id the encoding of a pair holds (1 for BERT's template, 0 for RoBERTa's).
     *
     * @return 0 or 1
     */
    public int maxPairTypeId() {
        return postProcessor.maxPairTypeId();
    }

    /**
     * The unknown token, or null when the model has none (byte-level BPE needs none).
     *
     * @return the unknown token, or null
     */
    public String unkToken() {
        return parts.unkToken();
    }

    /**
     * The padding token, or null.
     *
     * @return the padding token, or null
     */
    public String padToken() {
        return parts.padToken();
    }

    /**
     * The id inputs are padded with, or -1 when there is no padding token.
     *
     * @return the padding token's id, or -1
     */
    public int padId() {
        return parts.padToken() == null ? -1 : tokenToId(parts.padToken());
    }

    /**
     * The mask token, or null.
     *
     * @return the mask token, or null
     */
    public String maskToken() {
        return parts.maskToken();
    }

    /**
     * {@code model_max_length}, or {@link TokenizerConfig#NO_MAX_LENGTH}.
     *
     * @return the longest input the model takes, in tokens
     */
    public int modelMaxLength() {
        return parts.modelMaxLength();
    }

    /**
     * Whether the normalizer lower-cases the text.
     *
     * @return whether the text is lower-cased before splitting
     */
    public boolean lowercases() {
        return splitter.lowercases();
    }

    /**
     * The file the vocabulary was read from, or null when built in code.
     *
     * @return the vocabulary file, or null
     */
    public Path source() {
        return parts.source();
    }

    /**
     * Writes the tokenizer files into {@code dir} so the folder loads here and in transformers: the files it was read
     * from, copied as they are, or {@code vocab.txt} and {@code tokenizer_config.json} for one built in code.
     *
     * @param dir the folder, created if missing
     * @throws ModelFileException if the files cannot be written
     */
    public void save(Path dir) {
        if (parts.wordPieceConfig() != null) {
            TokenizerFiles.save(((WordPieceTokenizer) model).vocabulary(), parts.wordPieceConfig(), dir);
            return;
        }
        try {
            Files.createDirectories(dir);
            for (Path file : parts.files()) {
                Path target = dir.resolve(file.getFileName().toString());
                if (!Files.exists(target) || !Files.isSameFile(file, target)) Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot write the tokenizer files: " + e.getMessage(), e);
        }
    }

    /**
     * The normaliser, added-token and pre-tokenizer stages, for inspecting words and offsets.
     *
     * @return the stages before the subword model
     */
    public BasicTokenizer basicTokenizer() {
        return splitter;
    }

    private PostProcessor.Sequence sequenceOfText(String text) {
        requireText(text, "text");
        List<PreToken> words = splitter.tokenize(text);
        List<Token> tokens = new ArrayList<>(words.size() + 8);
        List<Integer> wordIds = new ArrayList<>(words.size() + 8);
        List<PostProcessor.Split> splits = new ArrayList<>(words.size());
        for (int w = 0; w < words.size(); w++) {
            splits.add(addWord(words.get(w), w, tokens, wordIds));
        }
        return new PostProcessor.Sequence(tokens, toArray(wordIds), List.of(text), List.of(splits));
    }

    private PostProcessor.Sequence sequenceOfWords(List<String> words) {
        requireList(words, "words");
        if (parts.wordsRunTogether() && warnedAboutWords.compareAndSet(false, true)) {
            LOG.warn("{}: a byte-level BPE tokenizer without add_prefix_space tokenizes pre-split words as if each "
                    + "continued the one before (\"New\", \"York\" become N ew Y ork), as transformers does; a model "
                    + "trained on running text sees words differently. Set add_prefix_space to true in the tokenizer's "
                    + "files if the model was trained with it.", parts.source());
        }
        List<Token> tokens = new ArrayList<>(words.size() * 2);
        List<Integer> wordIds = new ArrayList<>(words.size() * 2);
        List<List<PostProcessor.Split>> splits = new ArrayList<>(words.size());
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            if (word == null) {
                throw new IllegalArgumentException("word " + w + " is null");
            }
            // Hugging Face treats each given word as a separate text, so offsets are within the word.
            List<PostProcessor.Split> wordSplits = new ArrayList<>();
            for (PreToken piece : splitter.tokenize(word)) {
                wordSplits.add(addWord(piece, w, tokens, wordIds));
            }
            splits.add(wordSplits);
        }
        return new PostProcessor.Sequence(tokens, toArray(wordIds), words, splits);
    }

    private PostProcessor.Split addWord(PreToken word, int wordId, List<Token> tokens, List<Integer> wordIds) {
        if (word.isAddedToken()) {
            int id = addedTokenIds.get(word.addedToken().content());
            tokens.add(new Token(word.text(), id, new Offset(word.start(), word.end())));
            wordIds.add(wordId);
            return new PostProcessor.Split(1, true);
        }
        List<Token> made = model.tokenize(word);
        for (Token t : made) {
            tokens.add(t);
            wordIds.add(wordId);
        }
        return new PostProcessor.Split(made.size(), false);
    }

    private Encoding finish(PostProcessor.Sequence first, PostProcessor.Sequence second, EncodeOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use EncodeOptions.NONE");
        }
        Integer limit = null;
        if (options.truncation() == EncodeOptions.Truncation.LONGEST_FIRST) {
            int max = options.maxLength() != null ? options.maxLength() : parts.modelMaxLength();
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
        if (parts.modelMaxLength() == TokenizerConfig.NO_MAX_LENGTH) {
            throw new IllegalArgumentException("padding to MAX_LENGTH needs a maxLength: this tokenizer has no model_max_length");
        }
        return parts.modelMaxLength();
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

package dev.jbert.bert;

import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.bert.model.Encoder;
import dev.jbert.bert.model.Family;
import dev.jbert.bert.model.PoolerChoice;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A Hugging Face encoder folder loaded for inference: {@code config.json} (its {@code model_type} picks the family,
 * as AutoModel does), the tokenizer and the weights, checked against each other, built into an encoder graph.
 *
 * <pre>{@code
 * PretrainedEncoder bert = PretrainedEncoder.load(Path.of("all-MiniLM-L6-v2"));
 * List<Encoding> batch = bert.tokenizer().encodeBatch(texts, EncodeOptions.dynamicPadding(128));
 * PretrainedEncoder.Output out = bert.forward(batch);   // last_hidden_state [B, T, H], pooler_output [B, H]
 * }</pre>
 *
 * <p>It holds the encoder's weights in native memory: {@link #close()} frees them, after which it cannot be used; use
 * it in try-with-resources. Safe to share between threads: {@link #forward} calls take turns on the one encoder
 * (for parallel inference, load one per thread).
 */
public final class PretrainedEncoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainedEncoder.class);

    private final EncoderConfig config;
    private final Tokenizer tokenizer;
    private final Encoder model;
    private boolean closed;

    /**
     * The encoder's outputs for one batch.
     *
     * @param lastHiddenState {@code last_hidden_state [B, T, H]}
     * @param pooledOutput    {@code pooler_output [B, H]}, BERT's pooler on the first token; empty when the model has
     *                        no pooler
     */
    public record Output(INDArray lastHiddenState, Optional<INDArray> pooledOutput) {
    }

    private PretrainedEncoder(EncoderConfig config, Tokenizer tokenizer, Encoder model) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.model = model;
    }

    /** Frees the encoder's native memory (weights, activations); closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        model.release();
        NativeMemory.free(model.parameters().values());
    }

    /**
     * Loads a model folder. Tensors of a classification head ({@code classifier.}, DistilBERT's
     * {@code pre_classifier.}) are left for a head and not checked here, nor is a RoBERTa pooler its
     * classifiers never build; any other tensor the encoder does not use is an error.
     *
     * @param dir the model folder: {@code config.json}, the tokenizer files and the weights
     * @return the loaded encoder, which the caller closes
     * @throws ModelFileException when a file is missing or invalid, or config, tokenizer and weights disagree
     */
    public static PretrainedEncoder load(Path dir) {
        return load(dir, dir, name -> name.startsWith("classifier.") || name.startsWith("pre_classifier.")
                || name.startsWith("roberta.pooler."));
    }

    /**
     * Loads config and tokenizer from {@code dir} and weights from {@code weights} (the folder
     * itself, or one weights file in it such as {@code model.f16.safetensors}).
     *
     * @param dir          the folder with {@code config.json} and the tokenizer files
     * @param weights      the weights folder or file
     * @param leftForHeads names of tensors a head will claim later
     * @return the loaded encoder, which the caller closes
     * @throws ModelFileException when a file is missing or invalid, or config, tokenizer and weights disagree
     */
    public static PretrainedEncoder load(Path dir, Path weights, Predicate<String> leftForHeads) {
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.fromDirectory(dir);
        checkVocabulary(config, tokenizer, dir);
        Family family = Family.of(config);
        try (Checkpoint checkpoint = Checkpoint.open(weights, family.checkpointKeys())) {
            CheckpointWeights w = new CheckpointWeights(checkpoint);
            Encoder model = family.build(config, w, PoolerChoice.IF_PRESENT);
            w.verify(leftForHeads);
            return new PretrainedEncoder(config, tokenizer, model);
        }
    }

    /**
     * Every id the tokenizer can produce must be a row of the embedding table. A table with more rows than the
     * tokenizer has ids is common (deberta-v3-base has 128,100 rows for 128,001 ids, ModernBERT-base 50,368 for
     * 50,285: tables padded to a round size) and loads, as in transformers.
     *
     * @param config    the model's config
     * @param tokenizer the model's tokenizer
     * @param dir       the model folder, named in the error when the tokenizer has no source file
     * @throws ModelFileException when the tokenizer has more ids than {@code vocab_size}
     */
    public static void checkVocabulary(EncoderConfig config, Tokenizer tokenizer, Path dir) {
        if (tokenizer.size() > config.vocabSize()) {
            Path vocab = tokenizer.source() != null ? tokenizer.source() : dir;
            throw new ModelFileException(vocab, "the vocabulary has " + tokenizer.size()
                    + " tokens but config.json's vocab_size, the rows of the word embedding table, is only "
                    + config.vocabSize() + ": the tokenizer files belong to another model");
        }
    }

    /**
     * The longest input the model takes, special tokens included: the smaller of the tokenizer's
     * {@code model_max_length} and what the position table covers ({@link EncoderConfig#maxSequenceLength}).
     *
     * @param config    the model's config
     * @param tokenizer the model's tokenizer
     * @return the limit, in tokens
     */
    public static int maxInputLength(EncoderConfig config, Tokenizer tokenizer) {
        return Math.min(tokenizer.modelMaxLength(), config.maxSequenceLength());
    }

    /**
     * {@code asked} tokens, or the model's limit when that is smaller, with a warning saying so: the position table has
     * no rows beyond its limit, and truncating to it is what transformers' tokenizers do too.
     *
     * @param asked     the maximum length the caller asked for, in tokens
     * @param config    the model's config
     * @param tokenizer the model's tokenizer
     * @return {@code asked}, or {@link #maxInputLength} when that is smaller
     */
    public static int lengthWithinLimit(int asked, EncoderConfig config, Tokenizer tokenizer) {
        int limit = maxInputLength(config, tokenizer);
        if (asked <= limit) return asked;
        LOG.warn("a maximum length of {} tokens is beyond the model's limit of {} (the smaller of model_max_length and "
                + "max_position_embeddings): inputs are truncated to {}", asked, limit, limit);
        return limit;
    }

    /**
     * The model's {@code config.json}.
     *
     * @return the config
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * The tokenizer loaded from the model folder.
     *
     * @return the tokenizer
     */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The encoder graph {@link #forward} runs, with its weights; it is freed by {@link #close()}.
     *
     * @return the encoder, which is not thread-safe
     */
    public Encoder model() {
        return model;
    }

    /**
     * Runs a batch of encodings of equal length (pad with {@code Padding.LONGEST} or {@code MAX_LENGTH}); the
     * outputs are the caller's own arrays. Calls from several threads take turns.
     *
     * @param batch the encodings, all of one length
     * @return the hidden states and, with a pooler, the pooled output
     * @throws IllegalArgumentException when the batch is empty, its lengths differ, or it is longer than the model's
     *                                  limit
     */
    public Output forward(List<Encoding> batch) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        int length = batch.get(0).length();
        for (Encoding e : batch) {
            if (e.length() != length) {
                throw new IllegalArgumentException("encodings in a batch must have one length; found " + length + " and "
                        + e.length() + ": encode with padding LONGEST or MAX_LENGTH");
            }
        }
        int[][] ids = batch.stream().map(Encoding::inputIds).toArray(int[][]::new);
        int[][] types = batch.stream().map(Encoding::tokenTypeIds).toArray(int[][]::new);
        int[][] mask = batch.stream().map(Encoding::attentionMask).toArray(int[][]::new);
        synchronized (model) {
            Encoder.Output out = model.forward(ids, types, mask, Pass.inference());
            INDArray hidden = out.lastHiddenState().dup().reshape(batch.size(), length, config.hiddenSize());
            return new Output(hidden, Optional.ofNullable(out.pooledOutput()).map(INDArray::dup));
        }
    }
}

package dev.jbert.heads.inference;

import dev.jbert.core.data.Task;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.bert.model.Family;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.heads.HeadLayout;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.PrecisionSupport;
import dev.jbert.heads.EncoderClassifier;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.MultiLabelPrediction;
import dev.jbert.heads.predict.RegressionPrediction;
import dev.jbert.heads.predict.SequencePrediction;
import dev.jbert.heads.predict.SequencePredictor;
import dev.jbert.heads.predict.SingleLabelPrediction;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.heads.predict.TokenClassificationDecoder;
import dev.jbert.heads.predict.TokenPrediction;
import dev.jbert.heads.predict.TokenSpan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A fine-tuned classifier loaded once for production inference: safe to call from many threads at once,
 * with bounded memory, and no ND4J types in sight.
 *
 * <pre>{@code
 * try (TextClassifier classifier = TextClassifier.load(Path.of("runs/sst2"))) {
 *     Classification c = classifier.classify("a wonderful film");           // blocks; any thread
 *     String label = c.asSingleLabel().label();
 *     List<Classification> many = classifier.classifyBatch(texts);
 *     classifier.classifyAsync("another one").thenAccept(System.out::println);
 * }
 * try (TextClassifier ner = TextClassifier.load(Path.of("runs/ner"))) {
 *     for (TokenSpan e : ner.entities("Angela Merkel visited Paris.").entities()) { ... }   // char offsets
 * }
 * }</pre>
 *
 * <h2>Models</h2>
 * Any folder in Hugging Face layout with a classification head: saved by {@code jbert train} or by
 * transformers' {@code save_pretrained} for {@code BertForSequenceClassification} or
 * {@code BertForTokenClassification} ({@code config.json} with {@code id2label}, weights as safetensors or
 * {@code pytorch_model.bin}, {@code vocab.txt} or {@code tokenizer.json}). The task comes from
 * {@code problem_type} (single-label, multi-label, regression) or the architecture (token classification);
 * a multi-label model uses the per-class thresholds saved beside it in {@code thresholds.json}, if any.
 * It runs without dropout.
 *
 * <h2>Threads, batching and bounded memory</h2>
 * One inference thread owns the model; every call, from any thread, is encoded on the calling thread and then
 * queued for it. Requests that queue up while the model is busy are run together as one micro-batch of up to
 * {@link InferenceOptions#maxBatchSize()} texts (optionally waiting up to {@link InferenceOptions#maxWait()} for
 * a batch to fill), padded to the longest in the batch (not to the model's maximum), and each caller gets its own
 * result back. {@code maxBatchSize} 1 turns batching off. At most
 * {@link InferenceOptions#queueCapacity()} texts wait or run at once; <b>a request that does not fit is refused
 * at once with a {@link RejectedExecutionException}</b> (it does not block), so callers see overload and can
 * retry or shed load. A batch call ({@link #classifyBatch}) is cut into chunks of {@code maxBatchSize} and keeps
 * at most two chunks queued at a time, so a large batch neither starves other callers nor fills the queue.
 * {@link #stats()} counts texts and forward passes. The model's activation buffers are reused from pass to pass
 * and grow to the largest batch seen, so resident memory reaches a plateau set by {@code maxBatchSize} and the
 * length limit; {@link #close()} releases it. Native operations run on as many threads as the process has cores
 * ({@code OMP_NUM_THREADS} overrides); on a machine shared with other CPU-heavy processes set it lower (1 for
 * small models): with every core busy elsewhere, each operation waits for all its threads to be scheduled, and
 * a forward pass of BERT-tiny measured 100 times slower.
 *
 * <h2>Inputs and errors</h2>
 * Inputs longer than the length limit ({@link ModelInfo#maxLength()}) are truncated, the longer text of a pair
 * first, and the result says so ({@code truncated()}). Null text, text with no tokens (empty, only whitespace or
 * control characters), and a text pair for a model that takes single texts are refused with an
 * {@link IllegalArgumentException}. A saved config does not record whether a sequence model was trained on
 * pairs, so sequence models accept pairs whenever their config has two token types
 * ({@link ModelInfo#acceptsPairs()}); token-classification models never do. Calling the method of another task
 * ({@code entities} on a sequence model, {@code classify} on a token model) throws an
 * {@link UnsupportedOperationException} naming the right one. After {@link #close()} every call throws an
 * {@link IllegalStateException}.
 *
 * <p>Asynchronous methods check their arguments and the queue at once (throwing as above); the returned
 * future completes with the result, or exceptionally if the forward pass fails. It completes on the inference
 * thread: chain slow work with the {@code ...Async} methods of {@link CompletableFuture}, not on that thread.
 */
public final class TextClassifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TextClassifier.class);
    /** Chunks of one batch call queued at once: the next one waits in the queue while one runs. */
    private static final int BATCH_WINDOW = 2;

    private final ModelInfo info;
    private final InferenceOptions options;
    private final Tokenizer tokenizer;
    private final EncodeOptions encodeOptions;
    private final SequencePredictor predictor;            // sequence tasks
    private final TokenClassificationDecoder decoder;     // token classification: entities
    private final TokenClassificationDecoder everyToken;  // token classification: every token, O included
    private final EncoderClassifier classifier;              // touched by the inference thread only
    private final int padId;
    private final MicroBatcher<Encoding, float[][]> batcher;

    private TextClassifier(ModelInfo info, InferenceOptions options, Tokenizer tokenizer, SequencePredictor predictor,
                           EncoderClassifier classifier) {
        this.info = info;
        this.options = options;
        this.tokenizer = tokenizer;
        this.encodeOptions = new EncodeOptions(info.maxLength(), EncodeOptions.Truncation.LONGEST_FIRST, EncodeOptions.Padding.NONE);
        this.predictor = predictor;
        boolean tokens = info.task() == Task.TOKEN_CLASSIFICATION;
        this.decoder = tokens ? TokenClassificationDecoder.of(info.labels()).withUnkToken(tokenizer.unkToken()) : null;
        this.everyToken = tokens ? decoder.withIgnoreLabels(List.of()) : null;
        this.classifier = classifier;
        this.padId = tokenizer.padId();
        this.batcher = new MicroBatcher<>("jbert-inference-" + info.folder().getFileName(), options.maxBatchSize(),
                options.maxWait(), options.queueCapacity(), this::forward, this::freeNativeMemory);
    }

    /**
     * Loads a model folder with {@link InferenceOptions#defaults()}.
     *
     * @param folder the fine-tuned model's folder, in Hugging Face layout
     * @return the classifier, with its inference thread started; close it after use
     * @throws ModelFileException as {@link #load(Path, InferenceOptions)}
     */
    public static TextClassifier load(Path folder) {
        return load(folder, InferenceOptions.defaults());
    }

    /**
     * Loads a model folder: config, tokenizer and weights, checked against each other.
     *
     * @param folder  the fine-tuned model's folder, in Hugging Face layout
     * @param options batching, bounds, length limit, threshold, aggregation and precision
     * @return the classifier, with its inference thread started; close it after use
     * @throws ModelFileException       naming the file, when the folder is not a complete fine-tuned classifier
     *                                  (no {@code id2label}, no head, tensors that do not match the config, ...)
     */
    public static TextClassifier load(Path folder, InferenceOptions options) {
        if (folder == null) throw new IllegalArgumentException("folder must not be null");
        if (options == null) throw new IllegalArgumentException("options must not be null");
        PrecisionSupport.require(options.precision());
        ClassifierSpec spec = SavedClassifier.specOf(folder);
        EncoderConfig config = EncoderConfig.load(folder.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.fromDirectory(folder);
        PretrainedEncoder.checkVocabulary(config, tokenizer, folder);

        int maxLength = options.maxLength() == null ? PretrainedEncoder.maxInputLength(config, tokenizer)
                : PretrainedEncoder.lengthWithinLimit(options.maxLength(), config, tokenizer);
        SequencePredictor predictor = spec.task() == Task.TOKEN_CLASSIFICATION ? null : predictor(spec, folder, options);

        EncoderClassifier classifier;
        HeadLayout layout;
        try {
            layout = HeadLayout.of(config, spec);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(folder.resolve("config.json"), e.getMessage());
        }
        try (Checkpoint checkpoint = Checkpoint.open(folder, Family.of(config).checkpointKeys())) {
            requireHead(checkpoint, layout, folder);
            CheckpointWeights weights = new CheckpointWeights(checkpoint);
            classifier = EncoderClassifier.build(config, weights, spec, 0);
            try {
                weights.verify(name -> EncoderClassifier.mayLeaveUnused(name, spec, config));
                classifier.precision().forInference(options.precision());
                // an inference API never trains nor saves: the copies are all it reads
                if (options.precision() != Precision.FP32) classifier.precision().releaseMasters();
            } catch (RuntimeException e) {
                classifier.free();
                throw e;
            }
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        if (spec.task() == Task.MULTI_LABEL) {
            for (String label : spec.labels()) thresholds.put(label, predictor.thresholds().forLabel(label));
        }
        ModelInfo info = new ModelInfo(folder, spec.task(), spec.labels(),
                spec.task() != Task.TOKEN_CLASSIFICATION && tokenizer.maxPairTypeId() < config.typeVocabSize(), maxLength, thresholds,
                config.vocabSize(), config.hiddenSize(), config.numHiddenLayers(), config.numAttentionHeads(),
                config.maxPositionEmbeddings(), tokenizer.lowercases(), config.modelType());
        LOG.info("loaded {} model {} ({} labels, {} layers, hidden {}, max length {})", spec.task(), folder,
                spec.numLabels(), config.numHiddenLayers(), config.hiddenSize(), maxLength);
        return new TextClassifier(info, options, tokenizer, predictor, classifier);
    }

    private static SequencePredictor predictor(ClassifierSpec spec, Path folder, InferenceOptions options) {
        SequencePredictor p = SequencePredictor.of(spec).withLogits();
        if (spec.task() != Task.MULTI_LABEL) return p;
        if (options.threshold() != null) return p.withThreshold(options.threshold());
        Path saved = folder.resolve(Thresholds.FILE_NAME);
        return Files.isRegularFile(saved) ? p.withThresholds(Thresholds.read(saved)) : p;
    }

    /** Without this check a missing head would be drawn at random, as for fine-tuning, and predict noise. */
    private static void requireHead(Checkpoint checkpoint, HeadLayout layout, Path folder) {
        List<String> missing = layout.parameterNames().stream().filter(n -> !checkpoint.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new ModelFileException(checkpoint.source(), "has no trained classification head (missing " + missing
                    + "): " + folder + " is not a fine-tuned classifier; fine-tune it first (jbert train)");
        }
    }

    /**
     * Task, labels, length limit and encoder shape.
     *
     * @return what the loaded model is
     */
    public ModelInfo info() {
        return info;
    }

    /** {@return the options the model was loaded with} */
    public InferenceOptions options() {
        return options;
    }

    /**
     * Texts and forward passes so far.
     *
     * @return a snapshot of the counters
     */
    public InferenceStats stats() {
        return batcher.stats();
    }

    // ---------------------------------------------------------------- sequence tasks

    /**
     * Classifies one text (single-label, multi-label or regression), waiting for the result.
     *
     * @param text the text
     * @return the model's answer
     * @throws IllegalArgumentException      for null or empty text
     * @throws UnsupportedOperationException on a token-classification model (use {@link #entities(String)})
     * @throws RejectedExecutionException    when the queue is full
     * @throws IllegalStateException         after {@link #close()}
     */
    public Classification classify(String text) {
        return await(classifyAsync(text));
    }

    /**
     * Classifies a text pair ({@code [CLS] text [SEP] pair [SEP]}), waiting for the result.
     *
     * @param text the first text
     * @param pair the second text
     * @return the model's answer
     * @throws IllegalArgumentException for a null or empty text or pair, or a model that takes single texts
     */
    public Classification classify(String text, String pair) {
        return await(classifyAsync(text, pair));
    }

    /**
     * As {@link #classify(String)}, returning at once; see the class comment for where the future completes.
     *
     * @param text the text
     * @return the future answer
     */
    public CompletableFuture<Classification> classifyAsync(String text) {
        Encoding encoding = encodeForSequence(text, null, "text");
        return submitOne(encoding).thenApply(logits -> classification(logits, encoding));
    }

    /**
     * As {@link #classify(String, String)}, returning at once.
     *
     * @param text the first text
     * @param pair the second text
     * @return the future answer
     */
    public CompletableFuture<Classification> classifyAsync(String text, String pair) {
        if (pair == null) throw new IllegalArgumentException("pair must not be null: call classify(text) for a single text");
        Encoding encoding = encodeForSequence(text, pair, "text");
        return submitOne(encoding).thenApply(logits -> classification(logits, encoding));
    }

    /**
     * Classifies many texts, in order; they are run in chunks of {@code maxBatchSize}, with other callers'
     * requests where there is room.
     *
     * @param texts the texts
     * @return one answer per text, in order
     * @throws IllegalArgumentException naming the index of the first null or empty text
     */
    public List<Classification> classifyBatch(List<String> texts) {
        if (texts == null) throw new IllegalArgumentException("texts must not be null");
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) encodings.add(encodeForSequence(texts.get(i), null, "texts[" + i + "]"));
        return classifications(encodings);
    }

    /**
     * Classifies many text pairs, in order; see {@link #classifyBatch}.
     *
     * @param pairs the text pairs
     * @return one answer per pair, in order
     * @throws IllegalArgumentException naming the index of the first null pair or null or empty text
     */
    public List<Classification> classifyPairs(List<TextPair> pairs) {
        if (pairs == null) throw new IllegalArgumentException("pairs must not be null");
        List<Encoding> encodings = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            TextPair p = pairs.get(i);
            if (p == null) throw new IllegalArgumentException("pairs[" + i + "] is null");
            encodings.add(encodeForSequence(p.text(), p.pair(), "pairs[" + i + "]"));
        }
        return classifications(encodings);
    }

    private List<Classification> classifications(List<Encoding> encodings) {
        List<float[][]> logits = runAll(encodings);
        List<Classification> out = new ArrayList<>(encodings.size());
        for (int i = 0; i < encodings.size(); i++) out.add(classification(logits.get(i), encodings.get(i)));
        return out;
    }

    private Encoding encodeForSequence(String text, String pair, String what) {
        ensureOpen();
        if (info.task() == Task.TOKEN_CLASSIFICATION) {
            if (pair != null) {
                throw new IllegalArgumentException("this token-classification model labels the tokens of a single text: it takes"
                        + " no text pair (and is called with entities(text), not classify)");
            }
            throw new UnsupportedOperationException("this is a TOKEN_CLASSIFICATION model: call entities(text), not classify");
        }
        if (pair != null && !info.acceptsPairs()) {
            throw new IllegalArgumentException("this model takes single texts, not pairs: its config has "
                    + "type_vocab_size < 2, so it has no embedding for a second text");
        }
        requireText(text, what);
        if (pair != null) requireText(pair, what + " pair");
        Encoding encoding = pair == null ? tokenizer.encode(text, encodeOptions) : tokenizer.encode(text, pair, encodeOptions);
        requireTokens(encoding, 0, what);
        if (pair != null) requireTokens(encoding, 1, what + " pair");
        return encoding;
    }

    private Classification classification(float[][] logits, Encoding encoding) {
        SequencePrediction p = predictor.predict(logits[0]);
        boolean truncated = encoding.truncated();
        if (p instanceof SingleLabelPrediction s) {
            return new Classification.SingleLabel(s.label(), s.score(), s.probabilities(), s.logits(), truncated);
        }
        if (p instanceof MultiLabelPrediction m) {
            return new Classification.MultiLabel(m.labels(), m.probabilities(), m.thresholds(), m.logits(), truncated);
        }
        RegressionPrediction r = (RegressionPrediction) p;
        return new Classification.Regression(r.value(), r.logits(), truncated);
    }

    // ---------------------------------------------------------------- token classification

    /**
     * Entities in one text with the options' aggregation strategy (SIMPLE unless set), waiting for the result.
     *
     * @param text the text
     * @return the entities and every token's label
     */
    public Entities entities(String text) {
        return entities(text, options.aggregation());
    }

    /**
     * Entities in one text, waiting for the result.
     *
     * @param text     the text
     * @param strategy how tokens are grouped: NONE gives labelled tokens, the others entities
     * @return the entities and every token's label
     * @throws IllegalArgumentException      for null or empty text, or a null strategy
     * @throws UnsupportedOperationException on a sequence model (use {@link #classify(String)})
     */
    public Entities entities(String text, AggregationStrategy strategy) {
        return await(entitiesAsync(text, strategy));
    }

    /**
     * As {@link #entities(String, AggregationStrategy)}, returning at once.
     *
     * @param text     the text
     * @param strategy how tokens are grouped
     * @return the future entities
     */
    public CompletableFuture<Entities> entitiesAsync(String text, AggregationStrategy strategy) {
        Encoding encoding = encodeForTokens(text, strategy, "text");
        return submitOne(encoding).thenApply(logits -> entities(text, encoding, logits, strategy));
    }

    /**
     * Entities in many texts, in order; see {@link #classifyBatch} for how they are run.
     *
     * @param texts    the texts
     * @param strategy how tokens are grouped
     * @return one result per text, in order
     */
    public List<Entities> entitiesBatch(List<String> texts, AggregationStrategy strategy) {
        if (texts == null) throw new IllegalArgumentException("texts must not be null");
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) encodings.add(encodeForTokens(texts.get(i), strategy, "texts[" + i + "]"));
        List<float[][]> logits = runAll(encodings);
        List<Entities> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) out.add(entities(texts.get(i), encodings.get(i), logits.get(i), strategy));
        return out;
    }

    private Encoding encodeForTokens(String text, AggregationStrategy strategy, String what) {
        ensureOpen();
        if (info.task() != Task.TOKEN_CLASSIFICATION) {
            throw new UnsupportedOperationException("this is a " + info.task() + " model: call classify(text), not entities;"
                    + " entities come from token-classification models");
        }
        if (strategy == null) throw new IllegalArgumentException("aggregation strategy must not be null");
        requireText(text, what);
        Encoding encoding = tokenizer.encode(text, encodeOptions);
        requireTokens(encoding, 0, what);
        return encoding;
    }

    private Entities entities(String text, Encoding encoding, float[][] logits, AggregationStrategy strategy) {
        List<TokenSpan> spans = decoder.decode(text, encoding, logits, strategy);
        List<TokenPrediction> tokens = everyToken.tokens(text, encoding, logits);
        return new Entities(text, strategy, spans, tokens, encoding.truncated());
    }

    // ---------------------------------------------------------------- running

    private static void requireText(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " must not be null");
    }

    /** A text with no tokens would be classified from [CLS] [SEP] alone: a confident answer about nothing. */
    private static void requireTokens(Encoding encoding, int sequence, String what) {
        if (encoding.truncated()) return; // something was there
        for (int id : encoding.sequenceIds()) if (id == sequence) return;
        throw new IllegalArgumentException(what + " is empty (or only whitespace and control characters): there is nothing to classify");
    }

    private CompletableFuture<float[][]> submitOne(Encoding encoding) {
        return batcher.submit(List.of(encoding)).thenApply(results -> results.get(0));
    }

    /** Every encoding's logits, in order, submitting chunks of maxBatchSize with at most BATCH_WINDOW queued. */
    private List<float[][]> runAll(List<Encoding> encodings) {
        List<float[][]> out = new ArrayList<>(encodings.size());
        Deque<CompletableFuture<List<float[][]>>> window = new ArrayDeque<>();
        int chunk = options.maxBatchSize();
        for (int from = 0; from < encodings.size(); from += chunk) {
            window.add(batcher.submit(encodings.subList(from, Math.min(encodings.size(), from + chunk))));
            if (window.size() == BATCH_WINDOW) out.addAll(await(window.poll()));
        }
        while (!window.isEmpty()) out.addAll(await(window.poll()));
        return out;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("inference failed: " + cause, cause);
        }
    }

    /**
     * One forward pass on the inference thread: the batch padded to its longest encoding and the logits copied
     * out. Returns each encoding's logits: one row for sequence tasks, one per position of
     * the encoding (padding left out) for token classification.
     */
    private List<float[][]> forward(List<Encoding> batch) {
        int b = batch.size();
        int t = 0;
        for (Encoding e : batch) t = Math.max(t, e.length());
        int[][] ids = new int[b][t];       // [B, T]
        int[][] types = new int[b][t];     // [B, T]
        int[][] mask = new int[b][t];      // [B, T]
        for (int i = 0; i < b; i++) {
            Encoding e = batch.get(i);
            int n = e.length();
            System.arraycopy(e.inputIds(), 0, ids[i], 0, n);
            System.arraycopy(e.tokenTypeIds(), 0, types[i], 0, n);
            System.arraycopy(e.attentionMask(), 0, mask[i], 0, n);
            Arrays.fill(ids[i], n, t, padId);
        }
        // [B, C] or [B·T, C]
        float[][] rows = ReadBack.rows(classifier.logits(ids, types, mask, Pass.inference()), ReadBack.Use.OUTPUTS);
        List<float[][]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(info.task() == Task.TOKEN_CLASSIFICATION
                    ? Arrays.copyOfRange(rows, i * t, i * t + batch.get(i).length())   // [T_i, C]
                    : new float[][]{rows[i]});                                         // [1, C]
        }
        return out;
    }

    private void ensureOpen() {
        if (batcher.isClosed()) throw new IllegalStateException("this TextClassifier is closed");
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return batcher.isClosed();
    }

    /**
     * Stops taking requests, finishes those already accepted, then frees the model's native memory (weights,
     * cached activations) and ends the inference thread. Idempotent; later calls throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        batcher.close();
    }

    /** On the inference thread, after its last batch. */
    private void freeNativeMemory() {
        try {
            classifier.free();
        } catch (RuntimeException e) {
            LOG.warn("could not free all native memory of {}: {}", info.folder(), e.toString());
        }
    }
}

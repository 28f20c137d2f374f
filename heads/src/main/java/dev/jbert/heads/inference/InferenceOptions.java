package dev.jbert.heads.inference;

import dev.jbert.core.nn.Precision;
import dev.jbert.heads.predict.AggregationStrategy;

import java.time.Duration;

/**
 * How a {@link TextClassifier} batches, bounds and post-processes requests. Immutable; start from
 * {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * <pre>{@code
 * InferenceOptions options = InferenceOptions.defaults().withMaxBatchSize(16).withQueueCapacity(256);
 * }</pre>
 *
 * @param maxBatchSize  the most texts run through the model in one forward pass; 1 turns micro-batching off
 * @param maxWait       how long the inference thread waits for more requests after the first one of a batch
 *                      arrives, before it runs a batch that is not full. The default, {@link Duration#ZERO}, runs at
 *                      once with whatever is queued: requests that arrive during a forward pass form the next
 *                      batch, so batches grow with the load and a lone request waits for nothing. A positive wait
 *                      trades the latency of lightly loaded moments for fuller batches (worth it where a batch costs
 *                      little more than one text, as on a GPU)
 * @param queueCapacity the most texts waiting or running at once, over all callers; a request that would exceed
 *                      it is refused with a {@link java.util.concurrent.RejectedExecutionException} rather than
 *                      queued, so memory and latency stay bounded under overload. At least {@code maxBatchSize}.
 * @param maxLength     the token limit (special tokens included) inputs are truncated to, or null for the model's:
 *                      the smaller of the tokenizer's {@code model_max_length} and the config's
 *                      {@code max_position_embeddings}; a larger value is capped at the model's (with a warning)
 * @param threshold     multi-label only: one threshold for every label, overriding the per-class thresholds saved
 *                      beside the model ({@code thresholds.json}); null to use those (or 0.5 where there are none)
 * @param aggregation   token classification: the strategy {@link TextClassifier#entities(String)} uses
 * @param precision     the precision of the Linear products: fp32, or bf16 and int8 where the CPU has the instructions
 *                      (checked at load, with the reason when refused); low-precision weights are made once at load
 */
public record InferenceOptions(int maxBatchSize, Duration maxWait, int queueCapacity, Integer maxLength, Double threshold,
                               AggregationStrategy aggregation, Precision precision) {

    /** Texts per forward pass by default. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    /** The default wait for a batch to fill: none (batches are what queued during the previous forward pass). */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ZERO;
    /** Texts waiting or running at once by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /**
     * Checks the options.
     *
     * @param maxBatchSize  texts per forward pass
     * @param maxWait       the wait for a batch to fill
     * @param queueCapacity texts waiting or running at once
     * @param maxLength     the token limit, or null for the model's
     * @param threshold     a global multi-label threshold, or null
     * @param aggregation   the token classification strategy
     * @param precision     the Linear products' precision
     * @throws IllegalArgumentException when {@code maxBatchSize} is below 1, {@code maxWait} null or negative,
     *                                  {@code queueCapacity} below {@code maxBatchSize}, {@code maxLength} below 3,
     *                                  {@code threshold} not strictly between 0 and 1, or {@code aggregation} or
     *                                  {@code precision} null
     */
    public InferenceOptions {
        if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        if (maxWait == null || maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be zero or positive, got " + maxWait);
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException("queueCapacity (" + queueCapacity + ") must be at least maxBatchSize (" + maxBatchSize + ")");
        }
        if (maxLength != null && maxLength < 3) {
            throw new IllegalArgumentException("maxLength must be at least 3 ([CLS], one token, [SEP]), got " + maxLength);
        }
        if (threshold != null && !(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be strictly between 0 and 1, got " + threshold);
        }
        if (aggregation == null) throw new IllegalArgumentException("aggregation must not be null");
        if (precision == null) throw new IllegalArgumentException("precision must not be null");
    }

    /**
     * Batches of up to 32, no wait, 1024 texts in flight, the model's length limit, SIMPLE aggregation, fp32.
     *
     * @return the default options
     */
    public static InferenceOptions defaults() {
        return new InferenceOptions(DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_WAIT, DEFAULT_QUEUE_CAPACITY, null, null,
                AggregationStrategy.SIMPLE, Precision.FP32);
    }

    /**
     * Another batch size; raises the queue capacity to it if needed.
     *
     * @param value texts per forward pass, at least 1
     * @return a copy with that batch size
     */
    public InferenceOptions withMaxBatchSize(int value) {
        return new InferenceOptions(value, maxWait, Math.max(queueCapacity, value), maxLength, threshold, aggregation, precision);
    }

    /**
     * Another wait for a batch to fill (see {@link #maxWait()}).
     *
     * @param value zero or positive
     * @return a copy with that wait
     */
    public InferenceOptions withMaxWait(Duration value) {
        return new InferenceOptions(maxBatchSize, value, queueCapacity, maxLength, threshold, aggregation, precision);
    }

    /**
     * Another bound on the texts waiting or running at once.
     *
     * @param value at least {@link #maxBatchSize()}
     * @return a copy with that capacity
     */
    public InferenceOptions withQueueCapacity(int value) {
        return new InferenceOptions(maxBatchSize, maxWait, value, maxLength, threshold, aggregation, precision);
    }

    /**
     * Another token limit; null for the model's own.
     *
     * @param value tokens per input, special tokens included, at least 3; or null
     * @return a copy with that limit
     */
    public InferenceOptions withMaxLength(Integer value) {
        return new InferenceOptions(maxBatchSize, maxWait, queueCapacity, value, threshold, aggregation, precision);
    }

    /**
     * A global multi-label threshold; null to use the thresholds saved with the model.
     *
     * @param value a threshold strictly between 0 and 1, or null
     * @return a copy with that threshold
     */
    public InferenceOptions withThreshold(Double value) {
        return new InferenceOptions(maxBatchSize, maxWait, queueCapacity, maxLength, value, aggregation, precision);
    }

    /**
     * Another aggregation strategy for token classification.
     *
     * @param value the strategy {@link TextClassifier#entities(String)} uses
     * @return a copy with that strategy
     */
    public InferenceOptions withAggregation(AggregationStrategy value) {
        return new InferenceOptions(maxBatchSize, maxWait, queueCapacity, maxLength, threshold, value, precision);
    }

    /**
     * Another precision for the Linear products (see {@link Precision}).
     *
     * @param value fp32, bf16 or int8
     * @return a copy with that precision
     */
    public InferenceOptions withPrecision(Precision value) {
        return new InferenceOptions(maxBatchSize, maxWait, queueCapacity, maxLength, threshold, aggregation, value);
    }
}

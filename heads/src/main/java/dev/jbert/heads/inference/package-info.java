/**
 * Production inference: load a fine-tuned model folder once, then classify from any number of threads.
 *
 * <ul>
 *   <li>{@link dev.jbert.heads.inference.TextClassifier}: the model, thread-safe, with micro-batching and a
 *       bounded queue; {@code classify}, {@code classifyBatch}, {@code classifyPairs}, {@code classifyAsync} for
 *       sequence models, {@code entities} for token models; {@code close()} frees its native memory.</li>
 *   <li>{@link dev.jbert.heads.inference.InferenceOptions}: batch size, wait, queue capacity, length limit,
 *       multi-label threshold, aggregation strategy.</li>
 *   <li>Results, immutable records: {@link dev.jbert.heads.inference.Classification} (single-label,
 *       multi-label, regression) and {@link dev.jbert.heads.inference.Entities} (entities and tokens with
 *       character offsets), both with a {@code truncated} flag; {@link dev.jbert.heads.inference.ModelInfo};
 *       {@link dev.jbert.heads.inference.InferenceStats}.</li>
 * </ul>
 *
 * <p>No ND4J type appears in this package's public signatures.
 */
package dev.jbert.heads.inference;

/**
 * Turning a classifier's logits into predictions a user reads: pure Java on float arrays, no ND4J types.
 *
 * <ul>
 *   <li>{@link dev.jbert.heads.predict.SequencePredictor}: single-label (softmax), multi-label (sigmoid and a
 *       global or per-class {@link dev.jbert.heads.predict.Thresholds threshold}) and regression outputs, as
 *       immutable {@link dev.jbert.heads.predict.SequencePrediction} records.</li>
 *   <li>{@link dev.jbert.heads.predict.ThresholdTuner}: per-class multi-label thresholds chosen on a validation
 *       set, saved as {@code thresholds.json}.</li>
 *   <li>{@link dev.jbert.heads.predict.TokenClassificationDecoder}: token logits into entities with character
 *       offsets, aggregated as transformers' {@code TokenClassificationPipeline} does
 *       ({@link dev.jbert.heads.predict.AggregationStrategy}), or into one tag per pre-split word.</li>
 * </ul>
 *
 * <p>Every class here is immutable and safe to share between threads.
 */
package dev.jbert.heads.predict;

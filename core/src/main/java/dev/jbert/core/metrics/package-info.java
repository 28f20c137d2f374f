/**
 * Evaluation metrics that reproduce the reference implementations exactly: scikit-learn for
 * classification ({@link dev.jbert.core.metrics.ClassificationMetrics},
 * {@link dev.jbert.core.metrics.MultiLabelMetrics}, with {@code zero_division=0}), the CoNLL shared
 * task's {@code conlleval.pl} for entity-level NER scores ({@link dev.jbert.core.metrics.ConllEval}),
 * and scipy / scikit-learn for regression ({@link dev.jbert.core.metrics.RegressionMetrics}).
 *
 * <p>Every result is an immutable record implementing {@link dev.jbert.core.metrics.MetricReport}, so a
 * training loop can pick the metric a user named (for example {@code f1_macro}) with
 * {@link dev.jbert.core.metrics.MetricReport#metric(String)}. Invalid input (different lengths, labels out
 * of range, nothing to score) is an {@link java.lang.IllegalArgumentException} that says what was expected
 * and what was found.
 */
package dev.jbert.core.metrics;

/**
 * Tools for imbalanced single-label data: {@link dev.jbert.core.imbalance.ClassWeights} for a weighted
 * loss (computed from class counts or read by {@link dev.jbert.core.imbalance.ClassWeightsFile}), and
 * seeded {@link dev.jbert.core.imbalance.EpochSampler}s that rebalance what each epoch sees:
 * {@link dev.jbert.core.imbalance.OverSampler} and {@link dev.jbert.core.imbalance.UnderSampler}.
 */
package dev.jbert.core.imbalance;

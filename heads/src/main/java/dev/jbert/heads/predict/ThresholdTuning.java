package dev.jbert.heads.predict;

import java.util.List;

/**
 * What {@link ThresholdTuner} chose and how much it helped on the validation set.
 *
 * @param thresholds    the tuned threshold of every label (the default for labels with no positives); save
 *                      it with {@link Thresholds#write}
 * @param classes       per label, in label order: the threshold and its F1 before and after
 * @param macroF1Before macro F1 (unweighted mean over labels, {@code zero_division=0}) at the default threshold
 * @param macroF1After  macro F1 at the tuned thresholds; never below {@code macroF1Before}
 * @param microF1Before micro F1 (pooled counts) at the default threshold
 * @param microF1After  micro F1 at the tuned thresholds (not optimised directly, so it may go down)
 */
public record ThresholdTuning(Thresholds thresholds, List<ClassResult> classes, double macroF1Before,
                              double macroF1After, double microF1Before, double microF1After) {

    /**
     * Copies {@code classes}.
     *
     * @param thresholds    the tuned thresholds
     * @param classes       per label, in label order
     * @param macroF1Before macro F1 at the default threshold
     * @param macroF1After  macro F1 at the tuned thresholds
     * @param microF1Before micro F1 at the default threshold
     * @param microF1After  micro F1 at the tuned thresholds
     * @throws IllegalArgumentException when {@code thresholds} or {@code classes} is null
     */
    public ThresholdTuning {
        if (thresholds == null || classes == null) throw new IllegalArgumentException("thresholds and classes are required");
        classes = List.copyOf(classes);
    }

    /**
     * One label's outcome.
     *
     * @param label     the label name
     * @param threshold the chosen threshold
     * @param positives how many validation examples carry the label
     * @param tuned     false when the label had no positives and kept the default
     * @param f1Before  its F1 at the default threshold
     * @param f1After   its F1 at {@code threshold}
     */
    public record ClassResult(String label, double threshold, int positives, boolean tuned, double f1Before,
                              double f1After) {
    }
}

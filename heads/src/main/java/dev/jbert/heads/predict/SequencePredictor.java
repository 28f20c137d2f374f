package dev.jbert.heads.predict;

import dev.jbert.core.data.Task;
import dev.jbert.heads.ClassifierSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a sequence classifier's logits (one row of {@code numLabels} values per text) into predictions,
 * as transformers' text-classification pipeline does: softmax for single-label, a sigmoid per class for
 * multi-label, the raw value for regression.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return modified copies.
 * <pre>{@code
 * SequencePredictor p = SequencePredictor.of(Task.MULTI_LABEL, labels)
 *         .withThresholds(Thresholds.read(modelDir.resolve(Thresholds.FILE_NAME)))
 *         .withLogits();
 * MultiLabelPrediction out = p.multiLabel(logitsRow);
 * }</pre>
 */
public final class SequencePredictor {

    private final Task task;
    private final List<String> labels;
    private final Thresholds thresholds;
    private final boolean includeLogits;

    private SequencePredictor(Task task, List<String> labels, Thresholds thresholds, boolean includeLogits) {
        this.task = task;
        this.labels = labels;
        this.thresholds = thresholds;
        this.includeLogits = includeLogits;
    }

    /**
     * A predictor for a sequence task; multi-label starts with the global threshold 0.5 and logits are not
     * included.
     *
     * @param task   single-label, multi-label or regression
     * @param labels label names by class index (one name for regression)
     * @return the predictor
     * @throws IllegalArgumentException for token classification, duplicate names, or a label count the task
     *                                  does not allow (single-label needs 2 or more, regression exactly 1)
     */
    public static SequencePredictor of(Task task, List<String> labels) {
        if (task == null) throw new IllegalArgumentException("task must not be null");
        if (task == Task.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException("token classification is decoded by TokenClassificationDecoder, not SequencePredictor");
        }
        List<String> names = Copies.labels(labels);
        if (task == Task.SINGLE_LABEL && names.size() < 2) {
            throw new IllegalArgumentException("single-label classification needs at least 2 labels, got " + names);
        }
        if (task == Task.REGRESSION && names.size() != 1) {
            throw new IllegalArgumentException("regression predicts one value; got " + names.size() + " labels " + names);
        }
        return new SequencePredictor(task, names, Thresholds.global(Thresholds.DEFAULT), false);
    }

    /**
     * A predictor for a classifier's task and labels.
     *
     * @param spec a sequence classifier's spec
     * @return the predictor, as {@link #of(Task, List)} makes it
     */
    public static SequencePredictor of(ClassifierSpec spec) {
        return of(spec.task(), spec.labels());
    }

    /**
     * Multi-label only: every label compared against {@code threshold}, dropping any per-class thresholds.
     *
     * @param threshold the probability a label's must exceed, in (0, 1)
     * @return a copy with that threshold
     * @throws IllegalArgumentException when the threshold is not strictly between 0 and 1, or the task is not
     *                                  multi-label
     */
    public SequencePredictor withThreshold(double threshold) {
        return withThresholds(Thresholds.global(threshold));
    }

    /**
     * Multi-label only: per-class thresholds (labels they do not name use their default).
     *
     * @param value the thresholds
     * @return a copy with those thresholds
     * @throws IllegalArgumentException when a threshold names an unknown label, or the task is not multi-label
     */
    public SequencePredictor withThresholds(Thresholds value) {
        if (value == null) throw new IllegalArgumentException("thresholds must not be null");
        if (task != Task.MULTI_LABEL) {
            throw new IllegalArgumentException("thresholds apply to multi-label classification only, not " + task);
        }
        return new SequencePredictor(task, labels, value.requireLabels(labels), includeLogits);
    }

    /**
     * Predictions that carry the raw logits too (by default they do not).
     *
     * @return a copy with that setting
     */
    public SequencePredictor withLogits() {
        return new SequencePredictor(task, labels, thresholds, true);
    }

    /** {@return the task predicted} */
    public Task task() {
        return task;
    }

    /** {@return the label names, in class index order} */
    public List<String> labels() {
        return labels;
    }

    /**
     * The multi-label thresholds (a global 0.5 unless set).
     *
     * @return the thresholds
     */
    public Thresholds thresholds() {
        return thresholds;
    }

    /** {@return whether predictions carry the raw logits} */
    public boolean includesLogits() {
        return includeLogits;
    }

    /**
     * The prediction for one row of logits, of this predictor's task.
     *
     * @param logits one text's logits, one per label
     * @return the prediction of the task's type
     * @throws IllegalArgumentException when the row's width is not the number of labels, or a logit is NaN
     */
    public SequencePrediction predict(float[] logits) {
        return switch (task) {
            case SINGLE_LABEL -> singleLabel(logits);
            case MULTI_LABEL -> multiLabel(logits);
            case REGRESSION -> regression(logits);
            case TOKEN_CLASSIFICATION -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * One prediction per row of a batch's logits {@code [B, numLabels]}.
     *
     * @param logits the batch's logits, one row per text
     * @return the predictions, in row order
     * @throws IllegalArgumentException naming the row, when a row cannot be predicted
     */
    public List<SequencePrediction> predict(float[][] logits) {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        List<SequencePrediction> out = new ArrayList<>(logits.length);
        for (int i = 0; i < logits.length; i++) {
            try {
                out.add(predict(logits[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("row " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Single-label: the most probable label under softmax.
     *
     * @param logits one text's logits, one per label
     * @return the prediction
     * @throws IllegalArgumentException when the task is not single-label or the row does not fit
     */
    public SingleLabelPrediction singleLabel(float[] logits) {
        requireTask(Task.SINGLE_LABEL);
        checkWidth(logits);
        double[] p = Probabilities.softmax(logits);
        int best = Probabilities.argmax(p);
        return new SingleLabelPrediction(labels.get(best), best, p[best], byLabel(p), optionalLogits(logits));
    }

    /**
     * Multi-label: the labels whose sigmoid probability is strictly above their threshold.
     *
     * @param logits one text's logits, one per label
     * @return the prediction
     * @throws IllegalArgumentException when the task is not multi-label or the row does not fit
     */
    public MultiLabelPrediction multiLabel(float[] logits) {
        requireTask(Task.MULTI_LABEL);
        checkWidth(logits);
        double[] p = Probabilities.sigmoid(logits);
        List<String> chosen = new ArrayList<>();
        Map<String, Double> used = new LinkedHashMap<>();
        for (int c = 0; c < p.length; c++) {
            String label = labels.get(c);
            double t = thresholds.forLabel(label);
            used.put(label, t);
            if (p[c] > t) chosen.add(label);
        }
        return new MultiLabelPrediction(chosen, byLabel(p), used, optionalLogits(logits));
    }

    /**
     * Regression: the head's output as it is.
     *
     * @param logits the head's single output, as a one-element row
     * @return the prediction
     * @throws IllegalArgumentException when the task is not regression, the row does not have one element, or the
     *                                  output is NaN
     */
    public RegressionPrediction regression(float[] logits) {
        requireTask(Task.REGRESSION);
        checkWidth(logits);
        if (Float.isNaN(logits[0])) throw new IllegalArgumentException("the regression output is NaN");
        return new RegressionPrediction(logits[0], optionalLogits(logits));
    }

    private void requireTask(Task wanted) {
        if (task != wanted) {
            throw new IllegalArgumentException("this predictor is for " + task + ", not " + wanted);
        }
    }

    private void checkWidth(float[] logits) {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        if (logits.length != labels.size()) {
            throw new IllegalArgumentException("expected " + labels.size() + " logits, one per label " + labels
                    + ", got " + logits.length);
        }
    }

    private Map<String, Double> byLabel(double[] p) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int c = 0; c < p.length; c++) out.put(labels.get(c), p[c]);
        return out;
    }

    private List<Double> optionalLogits(float[] logits) {
        return includeLogits ? Copies.logits(logits) : List.of();
    }
}

package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.core.data.Batch;
import dev.jbert.core.metrics.ClassificationMetrics;
import dev.jbert.core.metrics.ConllEval;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.metrics.MultiLabelMetrics;
import dev.jbert.core.metrics.RegressionMetrics;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.Evaluator;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.predict.Thresholds;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation metrics for a classifier, chosen by its task: accuracy, F1, MCC and the rest for
 * single-label; micro/macro/samples F1, hamming loss and subset accuracy at thresholds (per label or one for all) for
 * multi-label; Pearson and Spearman for regression; conlleval's entity-level scores over the
 * labelled (non -100) positions for token classification. {@code loss} is the mean over examples.
 */
public final class ClassifierEvaluator implements Evaluator {

    private final ClassifierSpec spec;
    private final List<Batch> batches;
    private final Thresholds thresholds;

    /**
     * The metrics and the full report of one evaluation.
     *
     * @param metrics {@code loss} first, then the task's metrics by name
     * @param report  the task's report: per class, confusion matrix, or per entity type
     */
    public record Result(Map<String, Double> metrics, MetricReport report) {
    }

    /**
     * @param spec       the classifier's task and labels
     * @param validation labelled batches
     * @param thresholds multi-label decision thresholds on the sigmoid probability, per label or one for all
     * @throws IllegalArgumentException when the validation set is empty, the thresholds are null, or multi-label
     *                                  thresholds name a label the spec lacks
     */
    public ClassifierEvaluator(ClassifierSpec spec, List<Batch> validation, Thresholds thresholds) {
        if (validation.isEmpty()) throw new IllegalArgumentException("the validation set is empty");
        if (thresholds == null) throw new IllegalArgumentException("thresholds must not be null");
        this.spec = spec;
        this.batches = List.copyOf(validation);
        this.thresholds = spec.task() == Task.MULTI_LABEL ? thresholds.requireLabels(spec.labels()) : thresholds;
    }

    @Override
    public Map<String, Double> evaluate(TrainableModel model) {
        return evaluateWithReport(model).metrics();
    }

    /**
     * Runs the model over the validation set once.
     *
     * @param model the model to evaluate
     * @return the metrics, {@code loss} included, and the report
     */
    public Result evaluateWithReport(TrainableModel model) {
        double lossSum = 0;
        int examples = 0;
        List<INDArray> logits = new ArrayList<>();
        for (Batch b : batches) {
            INDArray l = model.predict(b);
            lossSum += model.loss(b, l) * b.size();
            examples += b.size();
            logits.add(l);
        }
        MetricReport report = switch (spec.task()) {
            case SINGLE_LABEL -> singleLabel(logits);
            case MULTI_LABEL -> multiLabel(logits);
            case REGRESSION -> regression(logits);
            case TOKEN_CLASSIFICATION -> tokens(logits);
        };
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", lossSum / examples);
        metrics.putAll(report.toMap());
        return new Result(metrics, report);
    }

    private MetricReport singleLabel(List<INDArray> logits) {
        List<Integer> yTrue = new ArrayList<>(), yPred = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            int[] labels = ReadBack.ints(batches.get(i).labels(), ReadBack.Use.LABELS);
            int[] argmax = ReadBack.ints(logits.get(i).argMax(1), ReadBack.Use.OUTPUTS);
            for (int j = 0; j < labels.length; j++) {
                yTrue.add(labels[j]);
                yPred.add(argmax[j]);
            }
        }
        return ClassificationMetrics.evaluate(ints(yTrue), ints(yPred), spec.labels());
    }

    private MetricReport multiLabel(List<INDArray> logits) {
        // sigmoid(x) > t  ⇔  x > log(t / (1 − t)): no need to take the sigmoid
        double[] cut = new double[spec.labels().size()];
        for (int c = 0; c < cut.length; c++) {
            double t = thresholds.forLabel(spec.labels().get(c));
            cut[c] = Math.log(t / (1 - t));
        }
        List<int[]> yTrue = new ArrayList<>(), yPred = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            float[][] labels = ReadBack.rows(batches.get(i).labels(), ReadBack.Use.LABELS);
            float[][] scores = ReadBack.rows(logits.get(i), ReadBack.Use.OUTPUTS);
            for (int j = 0; j < labels.length; j++) {
                int[] t = new int[labels[j].length], p = new int[labels[j].length];
                for (int c = 0; c < t.length; c++) {
                    t[c] = labels[j][c] > 0.5f ? 1 : 0;
                    p[c] = scores[j][c] > cut[c] ? 1 : 0;
                }
                yTrue.add(t);
                yPred.add(p);
            }
        }
        return MultiLabelMetrics.evaluate(yTrue.toArray(int[][]::new), yPred.toArray(int[][]::new), spec.labels());
    }

    private MetricReport regression(List<INDArray> logits) {
        List<Double> yTrue = new ArrayList<>(), yPred = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            for (float v : ReadBack.floats(batches.get(i).labels(), ReadBack.Use.LABELS)) yTrue.add((double) v);
            for (float v : ReadBack.floats(logits.get(i), ReadBack.Use.OUTPUTS)) yPred.add((double) v);
        }
        return RegressionMetrics.evaluate(yTrue.stream().mapToDouble(Double::doubleValue).toArray(),
                yPred.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private MetricReport tokens(List<INDArray> logits) {
        TagSequences tags = tags(logits);
        return ConllEval.evaluate(tags.gold(), tags.predicted());
    }

    /**
     * Each sentence's gold and predicted tags, one per word (its first subword), as the entity scorer reads them;
     * serializable, so that a distributed evaluation can return them from where they were computed.
     *
     * @param gold      each sentence's gold tags
     * @param predicted each sentence's predicted tags, aligned with {@code gold}
     * @serial exclude
     */
    public record TagSequences(List<List<String>> gold, List<List<String>> predicted) implements Serializable {
    }

    /**
     * A token model's tags for every validation sentence, without scoring them: a distributed evaluation scores the
     * sentences of all its parts together, since entity F1 is not an average of the parts' F1s.
     *
     * @param model the token classification model
     * @return the gold and predicted tags, in validation order
     * @throws IllegalStateException when the spec's task is not token classification
     */
    public TagSequences tokenTags(TrainableModel model) {
        if (spec.task() != Task.TOKEN_CLASSIFICATION) throw new IllegalStateException("tags are for token classification, not " + spec.task());
        List<INDArray> logits = new ArrayList<>();
        for (Batch b : batches) logits.add(model.predict(b));
        return tags(logits);
    }

    private TagSequences tags(List<INDArray> logits) {
        List<List<String>> gold = new ArrayList<>(), predicted = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            INDArray labelArray = batches.get(i).labels();                                     // [B, T]
            int[] labels = ReadBack.ints(labelArray, ReadBack.Use.LABELS);
            int[] argmax = ReadBack.ints(logits.get(i).argMax(1), ReadBack.Use.OUTPUTS);      // [B·T]
            int rows = (int) labelArray.size(0), seq = (int) labelArray.size(1);
            for (int b = 0; b < rows; b++) {
                List<String> g = new ArrayList<>(), p = new ArrayList<>();
                for (int t = 0; t < seq; t++) {
                    int at = b * seq + t;
                    if (labels[at] == Loss.IGNORE_INDEX) continue;
                    g.add(spec.labels().get(labels[at]));
                    p.add(spec.labels().get(argmax[at]));
                }
                gold.add(g);
                predicted.add(p);
            }
        }
        return new TagSequences(gold, predicted);
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}

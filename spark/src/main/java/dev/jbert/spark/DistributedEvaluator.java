package dev.jbert.spark;

import dev.jbert.core.data.Task;
import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SourceLine;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.TokenExample;
import dev.jbert.core.metrics.ConllEval;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.heads.ClassifierEvaluator;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.core.metrics.ClassificationMetrics;
import dev.jbert.core.metrics.ClassificationReport;
import dev.jbert.core.metrics.ConfusionMatrix;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.metrics.MultiLabelMetrics;
import dev.jbert.core.metrics.RegressionMetrics;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a labelled DataFrame with a {@link JbertClassifier} across the cluster and reports the same metrics, from
 * the same metric code, as the single-JVM evaluator. Single-label: each partition counts its confusion matrix and the
 * matrices are summed with a tree aggregation, so only {@code labels²} integers per partition travel; every figure
 * (accuracy, F1 averages, MCC, the matrix) is a function of the matrix, hence exactly the whole's. Regression and
 * multi-label: Spearman's ranks and the per-row sample averages need every row, so the (gold, predicted) pairs (two
 * doubles, or two label sets, a row) are collected in row order and scored as one array, which keeps even the
 * floating-point sums in the single-JVM order. Token classification ({@link #evaluateTokens}): every sentence's
 * gold and predicted tags are collected and entity F1 scored over all of them, as conlleval does.
 *
 * <p>Gold labels are resolved as the single-JVM reader resolves them ({@link LabelSet#resolve}: the name, else an
 * id); an unknown label is an error naming it.
 */
public final class DistributedEvaluator {

    private DistributedEvaluator() {
    }

    /**
     * Scores {@code data} (the classifier's input column(s) and {@code goldCol}) and evaluates the predictions.
     *
     * @param classifier a classifier of a sequence model, its {@code modelPath} set
     * @param data       the labelled rows
     * @param goldCol    the column of gold labels: label names or ids (multi-label: their lists), or values for
     *                   regression
     * @return the task's report, as the single-JVM evaluator's
     * @throws IllegalArgumentException when {@code goldCol} is not a column, the model is a token model, or a gold
     *                                  label is unknown
     */
    public static MetricReport evaluate(JbertClassifier classifier, Dataset<Row> data, String goldCol) {
        if (!List.of(data.schema().fieldNames()).contains(goldCol)) {
            throw new IllegalArgumentException("no gold label column '" + goldCol + "'; the columns are " + List.of(data.schema().fieldNames()));
        }
        ClassifierSpec spec = SavedClassifier.specOf(ExecutorModels.local(classifier.getOrDefault(classifier.modelPath())));
        Dataset<Row> scored = classifier.transform(data);
        String predicted = classifier.getOrDefault(classifier.predictionCol());
        return switch (spec.task()) {
            case SINGLE_LABEL -> singleLabel(scored.select(goldCol, predicted), spec.labels());
            case MULTI_LABEL -> multiLabel(scored.select(goldCol, predicted), spec.labels());
            case REGRESSION -> regression(scored.select(scored.col(goldCol).cast(DataTypes.DoubleType), scored.col(predicted)));
            case TOKEN_CLASSIFICATION -> throw new IllegalArgumentException(
                    "a token model is evaluated on word lists and their tags: call evaluateTokens(classifier, data, wordsCol, tagsCol)");
        };
    }

    /**
     * Evaluates a token model on pre-split sentences ({@code wordsCol}, an array of words; {@code tagsCol}, an array of
     * their tags), as {@code jbert eval} does: each partition encodes its sentences (a word's first subword carries
     * its tag), runs the model and returns every sentence's gold and predicted tags; entity F1 is then scored over all
     * sentences at once, since it is no average of the parts'.
     *
     * @param classifier a classifier of a token model, its {@code modelPath} set
     * @param data       the labelled sentences
     * @param wordsCol   the column of word arrays
     * @param tagsCol    the column of tag arrays, one tag per word
     * @return the entity-level report
     * @throws IllegalArgumentException when a column is missing, the model is not a token model, or a sentence lacks
     *                                  words or tags
     */
    public static MetricReport evaluateTokens(JbertClassifier classifier, Dataset<Row> data, String wordsCol, String tagsCol) {
        for (String column : List.of(wordsCol, tagsCol)) {
            if (!List.of(data.schema().fieldNames()).contains(column)) {
                throw new IllegalArgumentException("no column '" + column + "'; the columns are " + List.of(data.schema().fieldNames()));
            }
        }
        String folder = classifier.getOrDefault(classifier.modelPath());
        ClassifierSpec spec = SavedClassifier.specOf(ExecutorModels.local(folder));
        if (spec.task() != Task.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException(folder + " is a " + spec.task() + " model: evaluate it with evaluate(classifier, data, goldCol)");
        }
        int batchSize = (Integer) classifier.getOrDefault(classifier.batchSize());
        int requested = (Integer) classifier.getOrDefault(classifier.maxLength());
        List<PartitionTags> parts = data.select(wordsCol, tagsCol).toJavaRDD().mapPartitions(rows -> {
            List<TokenExample> examples = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                if (row.isNullAt(0) || row.isNullAt(1)) throw new IllegalArgumentException("a sentence without words or tags: " + row);
                examples.add(new TokenExample(strings(row.getList(0)), strings(row.getList(1)), new SourceLine(null, examples.size() + 1)));
            }
            if (examples.isEmpty()) return List.<PartitionTags>of().iterator();
            ClassifierModel model = ExecutorModels.forEvaluation(folder);
            ClassifierSpec executorSpec = model.classifier().spec();
            EncoderConfig config = model.classifier().encoder().config();
            int maxLength = requested > 0 ? PretrainedEncoder.lengthWithinLimit(requested, config, model.tokenizer())
                    : PretrainedEncoder.maxInputLength(config, model.tokenizer());
            EncodedDataset encoded = EncodedDataset.ofTokens(examples, LabelSet.of(executorSpec.labels()), model.tokenizer(),
                    EncodeOptions.dynamicPadding(maxLength), SubwordLabels.FIRST_SUBWORD);
            synchronized (model) {
                return List.of(new PartitionTags(new ClassifierEvaluator(executorSpec, encoded.batches(batchSize), Thresholds.global(0.5)).tokenTags(model))).iterator();
            }
        }).collect();
        List<List<String>> gold = new ArrayList<>(), predicted = new ArrayList<>();
        for (PartitionTags part : parts) {
            gold.addAll(part.tags().gold());
            predicted.addAll(part.tags().predicted());
        }
        return ConllEval.evaluate(gold, predicted);
    }

    private static List<String> strings(List<Object> values) {
        List<String> out = new ArrayList<>(values.size());
        for (Object v : values) out.add(String.valueOf(v));
        return out;
    }

    /** Rows of (gold label, predicted label): a confusion matrix per partition, summed in a tree. */
    static ClassificationReport singleLabel(Dataset<Row> goldAndPredicted, List<String> labels) {
        int n = labels.size();
        List<String> names = List.copyOf(labels);
        int[][] counts = goldAndPredicted.toJavaRDD().mapPartitions(rows -> {
            LabelSet set = LabelSet.of(names);
            int[][] matrix = new int[n][n];
            while (rows.hasNext()) {
                Row row = rows.next();
                matrix[id(row, 0, set)][id(row, 1, set)]++;
            }
            return List.<int[][]>of(matrix).iterator();
        }).treeReduce((a, b) -> {
            for (int t = 0; t < n; t++) for (int p = 0; p < n; p++) a[t][p] += b[t][p];
            return a;
        }, 2);
        return ClassificationMetrics.evaluate(ConfusionMatrix.of(counts), labels);
    }

    /** Rows of (gold labels as an array of names, predicted labels as an array of names). */
    static MetricReport multiLabel(Dataset<Row> goldAndPredicted, List<String> labels) {
        int n = labels.size();
        LabelSet set = LabelSet.of(labels);
        List<Row> rows = goldAndPredicted.collectAsList();
        int[][] gold = new int[rows.size()][n];
        int[][] predicted = new int[rows.size()][n];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isNullAt(0)) throw new IllegalArgumentException("row " + i + " has no gold labels (null; an empty array means none)");
            for (Object label : rows.get(i).getList(0)) gold[i][id(String.valueOf(label), set)] = 1;
            for (Object label : rows.get(i).getList(1)) predicted[i][id(String.valueOf(label), set)] = 1;
        }
        return MultiLabelMetrics.evaluate(gold, predicted, labels);
    }

    /** Rows of (gold value, predicted value), collected in row order. */
    static MetricReport regression(Dataset<Row> goldAndPredicted) {
        List<Row> rows = goldAndPredicted.collectAsList();
        double[] gold = new double[rows.size()];
        double[] predicted = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isNullAt(0)) throw new IllegalArgumentException("row " + i + " has no gold value (null, or not a number)");
            gold[i] = rows.get(i).getDouble(0);
            predicted[i] = rows.get(i).getDouble(1);
        }
        return RegressionMetrics.evaluate(gold, predicted);
    }

    private static int id(Row row, int column, LabelSet labels) {
        if (row.isNullAt(column)) throw new IllegalArgumentException("a row has no " + (column == 0 ? "gold" : "predicted") + " label: " + row);
        return id(String.valueOf(row.get(column)), labels);
    }

    /** A label as the single-JVM reader resolves it: by name, else (when no name is a number) by id. */
    private static int id(String label, LabelSet labels) {
        int id = labels.resolve(label);
        if (id < 0) throw new IllegalArgumentException("unknown label '" + label + "': the model's labels are " + labels.names());
        return id;
    }

    /** A partition's gold and predicted tags, as the driver collects them (whatever {@code spark.serializer} is). */
    @DefaultSerializer(JavaSerializer.class)
    private record PartitionTags(ClassifierEvaluator.TagSequences tags) implements Serializable {
    }
}

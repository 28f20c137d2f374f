package dev.jbert.spark;

import dev.jbert.core.data.Task;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.Entities;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.heads.inference.TextPair;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.TokenSpan;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Scores one partition: takes rows {@code batchSize} at a time, asks this JVM's model for the batch, and yields each
 * input row with the outputs appended. Holds only what a task needs to find the model, so it serialises small.
 */
final class RowScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** One entity of a token model's output. */
    static final StructType ENTITY = DataTypes.createStructType(List.of(
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("score", DataTypes.DoubleType, false),
            DataTypes.createStructField("word", DataTypes.StringType, false),
            DataTypes.createStructField("start", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false)));

    private final String folder;
    private final Task task;
    private final int textIndex;
    private final int pairIndex;
    private final int batchSize;
    private final int maxLength;
    private final double threshold;
    private final String aggregation;

    RowScorer(String folder, Task task, int textIndex, int pairIndex, int batchSize, int maxLength, double threshold, String aggregation) {
        this.folder = folder;
        this.task = task;
        this.textIndex = textIndex;
        this.pairIndex = pairIndex;
        this.batchSize = batchSize;
        this.maxLength = maxLength;
        this.threshold = threshold;
        this.aggregation = aggregation;
    }

    /** The options the model is loaded with; equal options share one loaded model per JVM. */
    InferenceOptions options() {
        return InferenceOptions.defaults().withMaxBatchSize(batchSize).withQueueCapacity(Math.max(batchSize, InferenceOptions.DEFAULT_QUEUE_CAPACITY))
                .withMaxLength(maxLength > 0 ? maxLength : null).withThreshold(Double.isNaN(threshold) ? null : threshold)
                .withAggregation(AggregationStrategy.parse(aggregation));
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TextClassifier classifier = ExecutorModels.get(folder, options());
        return new Iterator<>() {
            private final List<Row> scored = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) return true;
                if (!rows.hasNext()) return false;
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) batch.add(rows.next());
                scored.clear();
                scored.addAll(score(classifier, batch));
                next = 0;
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return scored.get(next++);
            }
        };
    }

    private List<Row> score(TextClassifier classifier, List<Row> batch) {
        List<Integer> present = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) if (!batch.get(i).isNullAt(textIndex)) present.add(i);
        Object[][] outputs = new Object[batch.size()][];
        if (task == Task.TOKEN_CLASSIFICATION) {
            List<String> texts = present.stream().map(i -> batch.get(i).getString(textIndex)).toList();
            List<Entities> found = texts.isEmpty() ? List.of() : classifier.entitiesBatch(texts, classifier.options().aggregation());
            for (int k = 0; k < present.size(); k++) outputs[present.get(k)] = new Object[]{entities(found.get(k))};
        } else {
            List<Classification> answers;
            if (present.isEmpty()) {
                answers = List.of();
            } else if (pairIndex < 0) {
                answers = classifier.classifyBatch(present.stream().map(i -> batch.get(i).getString(textIndex)).toList());
            } else {
                answers = classifier.classifyPairs(present.stream()
                        .map(i -> new TextPair(batch.get(i).getString(textIndex), batch.get(i).isNullAt(pairIndex) ? null : batch.get(i).getString(pairIndex)))
                        .toList());
            }
            for (int k = 0; k < present.size(); k++) outputs[present.get(k)] = columns(answers.get(k));
        }
        List<Row> out = new ArrayList<>(batch.size());
        int width = task == Task.TOKEN_CLASSIFICATION || task == Task.REGRESSION ? 1 : 3;
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            Object[] values = new Object[row.length() + width];
            for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
            if (outputs[i] != null) System.arraycopy(outputs[i], 0, values, row.length(), width);
            out.add(RowFactory.create(values));
        }
        return out;
    }

    private static Object[] columns(Classification c) {
        if (c instanceof Classification.SingleLabel s) {
            return new Object[]{s.label(), s.score(), Vectors.dense(values(s.probabilities().values()))};
        }
        if (c instanceof Classification.MultiLabel m) {
            double[] p = values(m.probabilities().values());
            return new Object[]{m.labels().toArray(String[]::new), Arrays.stream(p).max().orElse(Double.NaN), Vectors.dense(p)};
        }
        return new Object[]{((Classification.Regression) c).value()};
    }

    private static Row[] entities(Entities e) {
        Row[] rows = new Row[e.entities().size()];
        for (int i = 0; i < rows.length; i++) {
            TokenSpan s = e.entities().get(i);
            rows[i] = RowFactory.create(s.label(), s.score(), s.word(), s.start(), s.end());
        }
        return rows;
    }

    private static double[] values(Collection<Double> probabilities) {
        return probabilities.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

package dev.jbert.spark;

import dev.jbert.core.data.Task;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fine-tuned jbert classifier as a Spark ML {@link Model}: it appends its predictions to a DataFrame of texts,
 * in a {@link org.apache.spark.ml.Pipeline} or alone, and saves and loads with the pipeline.
 *
 * <pre>{@code
 * JbertClassifier classifier = new JbertClassifier().setModelPath("hdfs:///models/sst2").setInputCol("sentence");
 * Dataset<Row> scored = classifier.transform(spark.read().option("sep", "\t").option("header", true).csv(path));
 * }</pre>
 *
 * <p>Columns appended, by the model's task: single-label {@code prediction} (the label), {@code score} (its
 * probability) and {@code probability} (a vector in label order); multi-label {@code prediction} (an array of the
 * labels over their thresholds), {@code score} (the highest probability) and {@code probability}; regression
 * {@code prediction} (the value); token classification {@code entities}, each with its label, score, word and
 * character offsets into the text, as {@code TextClassifier.entities} gives them. A null text gives null outputs.
 *
 * <p>Each executor JVM loads the model once, on its first task, and every later task reuses it; rows go through in
 * batches of {@link #batchSize()}. The model folder is any path Spark can read (local, HDFS, S3); a folder that is
 * not local is copied to each machine once.
 *
 * <p>Not thread-safe, like any Spark ML stage: its params live in an unsynchronised map. Set them before sharing
 * the stage, and change none while another thread transforms with it.
 */
public final class JbertClassifier extends Model<JbertClassifier> implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /** This stage's unique id. */
    private final String uid;
    /** The classifier's folder. */
    private final Param<String> modelPath;
    /** The column of texts. */
    private final Param<String> inputCol;
    /** The column of second texts; empty for none. */
    private final Param<String> pairCol;
    /** The output column of labels or values. */
    private final Param<String> predictionCol;
    /** The output column of scores. */
    private final Param<String> scoreCol;
    /** The output column of probability vectors. */
    private final Param<String> probabilityCol;
    /** The output column of token models' entities. */
    private final Param<String> entitiesCol;
    /** Texts per forward pass. */
    private final IntParam batchSize;
    /** The token limit; 0 for the model's own. */
    private final IntParam maxLength;
    /** The global multi-label threshold; NaN for the model's tuned ones. */
    private final DoubleParam threshold;
    /** Token models' aggregation strategy. */
    private final Param<String> aggregation;

    /** A classifier with a random uid and the default params; {@code modelPath} must still be set. */
    public JbertClassifier() {
        this(Identifiable.randomUID("jbertClassifier"));
    }

    /**
     * A classifier with the default params: input column {@code text}, no pair column, output columns
     * {@code prediction}, {@code score}, {@code probability} and {@code entities}, batches of 32, the model's own
     * length limit and thresholds, SIMPLE aggregation.
     *
     * @param uid this stage's unique id in a pipeline
     */
    public JbertClassifier(String uid) {
        this.uid = uid;
        modelPath = new Param<>(uid, "modelPath", "the folder of a classifier saved by jbert train (or transformers), any path Spark can read");
        inputCol = new Param<>(uid, "inputCol", "the column of texts");
        pairCol = new Param<>(uid, "pairCol", "the column of second texts, for models of sentence pairs; empty for none");
        predictionCol = new Param<>(uid, "predictionCol", "output: the label (single-label), labels (multi-label) or value (regression)");
        scoreCol = new Param<>(uid, "scoreCol", "output: the predicted label's probability (single-label) or the highest (multi-label)");
        probabilityCol = new Param<>(uid, "probabilityCol", "output: every label's probability, as a vector in label order");
        entitiesCol = new Param<>(uid, "entitiesCol", "output of token models: the entities with label, score, word, start and end");
        batchSize = new IntParam(uid, "batchSize", "texts per forward pass", ParamValidators.gtEq(1));
        maxLength = new IntParam(uid, "maxLength", "truncate to this many tokens; 0 for the model's own limit", ParamValidators.gtEq(0));
        threshold = new DoubleParam(uid, "threshold", "multi-label: one threshold for every label; NaN for the model's tuned ones");
        aggregation = new Param<>(uid, "aggregation", "token models: none, simple, first, average or max");
        setDefault(inputCol, "text");
        setDefault(pairCol, "");
        setDefault(predictionCol, "prediction");
        setDefault(scoreCol, "score");
        setDefault(probabilityCol, "probability");
        setDefault(entitiesCol, "entities");
        setDefault(batchSize, 32);
        setDefault(maxLength, 0);
        setDefault(threshold, Double.NaN);
        setDefault(aggregation, "simple");
    }

    /** {@return a reader of classifiers saved with {@code write().save(path)}} */
    public static MLReader<JbertClassifier> read() {
        return new DefaultParamsReadable<JbertClassifier>() { }.read();
    }

    /**
     * Loads a classifier stage saved with {@code write().save(path)}: its params, not the model, which stays where
     * {@code modelPath} points.
     *
     * @param path where the stage was saved
     * @return the classifier
     */
    public static JbertClassifier load(String path) {
        return read().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---------------------------------------------------------------- params (public: Spark finds them by reflection)

    /**
     * {@return the param of the classifier's folder, saved by {@code jbert train} (or transformers), any path Spark
     * can read}
     */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** {@return the param of the column of texts (default {@code text})} */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** {@return the param of the column of second texts, for sentence-pair models; empty (the default) for none} */
    public Param<String> pairCol() {
        return pairCol;
    }

    /** {@return the param of the output column of labels or values (default {@code prediction})} */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /**
     * {@return the param of the output column of the predicted label's probability, or the highest one (default
     * {@code score})}
     */
    public Param<String> scoreCol() {
        return scoreCol;
    }

    /**
     * {@return the param of the output column of every label's probability, as a vector in label order (default
     * {@code probability})}
     */
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    /** {@return the param of the output column of a token model's entities (default {@code entities})} */
    public Param<String> entitiesCol() {
        return entitiesCol;
    }

    /** {@return the param of texts per forward pass, at least 1 (default 32)} */
    public IntParam batchSize() {
        return batchSize;
    }

    /** {@return the param of the token limit inputs are truncated to; 0 (the default) for the model's own} */
    public IntParam maxLength() {
        return maxLength;
    }

    /**
     * {@return the param of one multi-label threshold for every label; NaN (the default) for the model's tuned ones}
     */
    public DoubleParam threshold() {
        return threshold;
    }

    /** {@return the param of token models' strategy: none, simple (the default), first, average or max} */
    public Param<String> aggregation() {
        return aggregation;
    }

    /**
     * Sets {@link #modelPath()}.
     *
     * @param value the classifier's folder, any path Spark can read
     * @return this classifier
     */
    public JbertClassifier setModelPath(String value) {
        return (JbertClassifier) set(modelPath, value);
    }

    /**
     * Sets {@link #inputCol()}.
     *
     * @param value the column of texts
     * @return this classifier
     */
    public JbertClassifier setInputCol(String value) {
        return (JbertClassifier) set(inputCol, value);
    }

    /**
     * Sets {@link #pairCol()}.
     *
     * @param value the column of second texts; empty for none
     * @return this classifier
     */
    public JbertClassifier setPairCol(String value) {
        return (JbertClassifier) set(pairCol, value);
    }

    /**
     * Sets {@link #predictionCol()}.
     *
     * @param value the output column's name
     * @return this classifier
     */
    public JbertClassifier setPredictionCol(String value) {
        return (JbertClassifier) set(predictionCol, value);
    }

    /**
     * Sets {@link #scoreCol()}.
     *
     * @param value the output column's name
     * @return this classifier
     */
    public JbertClassifier setScoreCol(String value) {
        return (JbertClassifier) set(scoreCol, value);
    }

    /**
     * Sets {@link #probabilityCol()}.
     *
     * @param value the output column's name
     * @return this classifier
     */
    public JbertClassifier setProbabilityCol(String value) {
        return (JbertClassifier) set(probabilityCol, value);
    }

    /**
     * Sets {@link #entitiesCol()}.
     *
     * @param value the output column's name
     * @return this classifier
     */
    public JbertClassifier setEntitiesCol(String value) {
        return (JbertClassifier) set(entitiesCol, value);
    }

    /**
     * Sets {@link #batchSize()}.
     *
     * @param value texts per forward pass, at least 1
     * @return this classifier
     */
    public JbertClassifier setBatchSize(int value) {
        return (JbertClassifier) set(batchSize, value);
    }

    /**
     * Sets {@link #maxLength()}.
     *
     * @param value the token limit; 0 for the model's own
     * @return this classifier
     */
    public JbertClassifier setMaxLength(int value) {
        return (JbertClassifier) set(maxLength, value);
    }

    /**
     * Sets {@link #threshold()}.
     *
     * @param value a threshold strictly between 0 and 1; NaN for the model's tuned ones
     * @return this classifier
     */
    public JbertClassifier setThreshold(double value) {
        return (JbertClassifier) set(threshold, value);
    }

    /**
     * Sets {@link #aggregation()}.
     *
     * @param value none, simple, first, average or max
     * @return this classifier
     */
    public JbertClassifier setAggregation(String value) {
        return (JbertClassifier) set(aggregation, value);
    }

    // ---------------------------------------------------------------- Transformer

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, spec());
    }

    private StructType outputSchema(StructType schema, ClassifierSpec spec) {
        requireString(schema, $(inputCol), "inputCol");
        if (!$(pairCol).isEmpty()) requireString(schema, $(pairCol), "pairCol");
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        for (StructField out : outputFields(spec.task())) {
            if (Arrays.asList(schema.fieldNames()).contains(out.name())) {
                throw new IllegalArgumentException("JbertClassifier: the output column '" + out.name() + "' already exists; choose another name");
            }
            fields.add(out);
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        ClassifierSpec spec = spec();
        StructType out = outputSchema(in, spec);
        int pairIndex = $(pairCol).isEmpty() ? -1 : in.fieldIndex($(pairCol));
        RowScorer scorer = new RowScorer($(modelPath), spec.task(), in.fieldIndex($(inputCol)), pairIndex, (Integer) $(batchSize),
                (Integer) $(maxLength), (Double) $(threshold), $(aggregation));
        return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
    }

    @Override
    public JbertClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The task and labels, read on the driver from the folder's config.json. */
    private ClassifierSpec spec() {
        if (!isDefined(modelPath)) throw new IllegalArgumentException("JbertClassifier: set modelPath to the classifier's folder");
        return SavedClassifier.specOf(ExecutorModels.local($(modelPath)));
    }

    private List<StructField> outputFields(Task task) {
        return switch (task) {
            case SINGLE_LABEL -> List.of(DataTypes.createStructField($(predictionCol), DataTypes.StringType, true),
                    DataTypes.createStructField($(scoreCol), DataTypes.DoubleType, true),
                    DataTypes.createStructField($(probabilityCol), SQLDataTypes.VectorType(), true));
            case MULTI_LABEL -> List.of(DataTypes.createStructField($(predictionCol), DataTypes.createArrayType(DataTypes.StringType, false), true),
                    DataTypes.createStructField($(scoreCol), DataTypes.DoubleType, true),
                    DataTypes.createStructField($(probabilityCol), SQLDataTypes.VectorType(), true));
            case REGRESSION -> List.of(DataTypes.createStructField($(predictionCol), DataTypes.DoubleType, true));
            case TOKEN_CLASSIFICATION -> List.of(DataTypes.createStructField($(entitiesCol), DataTypes.createArrayType(RowScorer.ENTITY, false), true));
        };
    }

    private static void requireString(StructType schema, String column, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("JbertClassifier: " + param + " '" + column + "' is not a column; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!schema.apply(column).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("JbertClassifier: " + param + " '" + column + "' is " + schema.apply(column).dataType().simpleString()
                    + ", expected string");
        }
    }
}

package dev.jbert.spark;

import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SourceLine;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.TokenExample;
import dev.jbert.core.data.TokenReadOptions;
import dev.jbert.core.data.TokenReader;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierEvaluator;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.core.metrics.ClassificationMetrics;
import dev.jbert.core.metrics.ClassificationReport;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.metrics.MultiLabelMetrics;
import dev.jbert.core.metrics.RegressionMetrics;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.Entities;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.heads.inference.TextPair;
import dev.jbert.heads.predict.TokenSpan;
import dev.jbert.testdata.Fixtures;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark ML classifier on {@code local[2]} with the fixtures' tiny models, against the single-JVM
 * {@link TextClassifier} on the same texts: predictions within 1e-5 (outputs), labels and offsets exactly; and
 * distributed evaluation equal to the single-JVM metric code on the same predictions, exactly.
 */
class JbertClassifierTest {

    private static final double TOLERANCE = 1e-5;

    static SparkSession spark;
    static List<String> texts;
    static List<String[]> pairs;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        begin("jbert-spark-test", TrainingFixture.JAVA_SERIALIZER);
    }

    static void begin(String name, String serializer) throws IOException {
        spark = SparkSession.builder().master("local[2]").appName(name)
                .config("spark.serializer", serializer)
                .config("spark.ui.enabled", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", 2)
                .getOrCreate();
        texts = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv")).subList(1, 121)) {
            texts.add(line.split("\t")[0]);
        }
        pairs = new ArrayList<>();
        List<String> stsb = Files.readAllLines(Fixtures.repositoryRoot().resolve("core/src/test/resources/data/stsb.tsv"));
        for (String line : stsb.subList(1, stsb.size())) {
            String[] f = line.split("\t");
            pairs.add(new String[]{f[0], f[1], f[2]});
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> textFrame(List<String> values, int partitions) {
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, true)));
        List<Row> rows = values.stream().map(t -> RowFactory.create(t)).toList();
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    private static String model(String name) {
        return Fixtures.folder(name).toString();
    }

    @Test
    void singleLabelPredictionsMatchTheSingleJvmClassifier() {
        long before = ExecutorModels.loaded(model("seq-cls"));
        JbertClassifier classifier = new JbertClassifier().setModelPath(model("seq-cls")).setInputCol("sentence").setBatchSize(16);
        List<Row> scored = classifier.transform(textFrame(texts, 3)).collectAsList();
        long afterFirst = ExecutorModels.loaded(model("seq-cls"));
        classifier.transform(textFrame(texts, 4)).collectAsList();
        assertTrue(afterFirst - before <= 1, "three partitions loaded " + (afterFirst - before) + " models");
        assertEquals(afterFirst, ExecutorModels.loaded(model("seq-cls")), "a second job on four partitions reuses the model");
        assertEquals(texts.size(), scored.size());
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("seq-cls"))) {
            for (Row row : scored) {
                Classification.SingleLabel expected = local.classify(row.getString(0)).asSingleLabel();
                assertEquals(expected.label(), row.getString(1), row.getString(0));
                assertEquals(expected.score(), row.getDouble(2), TOLERANCE);
                double[] probabilities = ((Vector) row.get(3)).toArray();
                double[] want = expected.probabilities().values().stream().mapToDouble(Double::doubleValue).toArray();
                assertArrayEquals(want, probabilities, TOLERANCE);
            }
        }
    }

    @Test
    void pairsAndRegression() {
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("a", DataTypes.StringType, true),
                DataTypes.createStructField("b", DataTypes.StringType, true)));
        Dataset<Row> frame = spark.createDataFrame(pairs.stream().map(p -> RowFactory.create(p[0], p[1])).toList(), schema).repartition(2);
        List<Row> scored = new JbertClassifier().setModelPath(model("pair-regression")).setInputCol("a").setPairCol("b")
                .transform(frame).collectAsList();
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("pair-regression"))) {
            for (Row row : scored) {
                double expected = ((Classification.Regression) local.classify(row.getString(0), row.getString(1))).value();
                assertEquals(expected, row.getDouble(2), TOLERANCE);
            }
        }
    }

    @Test
    void multiLabelGivesTheLabelsOverThresholdAndEveryProbability() {
        List<Row> scored = new JbertClassifier().setModelPath(model("multi-label")).setInputCol("sentence").setThreshold(0.5)
                .transform(textFrame(texts.subList(0, 40), 2)).collectAsList();
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("multi-label"),
                dev.jbert.heads.inference.InferenceOptions.defaults().withThreshold(0.5))) {
            for (Row row : scored) {
                Classification.MultiLabel expected = local.classify(row.getString(0)).asMultiLabel();
                assertEquals(expected.labels(), row.getList(1));
                double[] want = expected.probabilities().values().stream().mapToDouble(Double::doubleValue).toArray();
                assertArrayEquals(want, ((Vector) row.get(3)).toArray(), TOLERANCE);
            }
        }
    }

    @Test
    void tokenModelsGiveEntitiesWithCharacterOffsets() {
        List<String> sentences = List.of("Angela Merkel met Emmanuel Macron in Paris.", "The European Union rejected the German call.",
                "Peter Blackburn works for Reuters in London.");
        List<Row> scored = new JbertClassifier().setModelPath(model("token-cls")).setInputCol("sentence").setAggregation("simple")
                .transform(textFrame(sentences, 2)).collectAsList();
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("token-cls"))) {
            for (Row row : scored) {
                Entities expected = local.entities(row.getString(0), dev.jbert.heads.predict.AggregationStrategy.SIMPLE);
                List<Row> entities = row.getList(1);
                assertEquals(expected.entities().size(), entities.size(), row.getString(0));
                for (int i = 0; i < entities.size(); i++) {
                    TokenSpan want = expected.entities().get(i);
                    Row got = entities.get(i);
                    assertEquals(want.label(), got.getString(0));
                    assertEquals(want.score(), got.getDouble(1), TOLERANCE);
                    assertEquals(want.word(), got.getString(2));
                    assertEquals(want.start(), got.getInt(3));
                    assertEquals(want.end(), got.getInt(4));
                    assertEquals(want.word(), row.getString(0).substring(got.getInt(3), got.getInt(4)).strip(), "offsets index the text");
                }
            }
        }
    }

    @Test
    void aModelPathMayBeAFileUri() {
        String uri = Fixtures.folder("seq-cls").toUri().toString();
        List<Row> scored = new JbertClassifier().setModelPath(uri).setInputCol("sentence").transform(textFrame(texts.subList(0, 4), 2)).collectAsList();
        assertEquals(4, scored.size());
        assertEquals(Fixtures.folder("seq-cls"), ExecutorModels.local(uri));
    }

    @Test
    void nullTextsGiveNullOutputs() {
        List<String> withNull = new ArrayList<>(texts.subList(0, 5));
        withNull.add(2, null);
        List<Row> scored = new JbertClassifier().setModelPath(model("seq-cls")).setInputCol("sentence")
                .transform(textFrame(withNull, 1)).collectAsList();
        long nulls = scored.stream().filter(r -> r.isNullAt(0)).peek(r -> assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3))).count();
        assertEquals(1, nulls);
    }

    @Test
    void savesAndLoadsInAPipeline() throws IOException {
        JbertClassifier classifier = new JbertClassifier().setModelPath(model("seq-cls")).setInputCol("sentence").setBatchSize(8)
                .setPredictionCol("sentiment");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{classifier}).fit(textFrame(texts, 2));
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        JbertClassifier stage = (JbertClassifier) loaded.stages()[0];
        assertEquals("sentiment", stage.getOrDefault(stage.predictionCol()));
        assertEquals(8, (Integer) stage.getOrDefault(stage.batchSize()));
        List<Row> before = fitted.transform(textFrame(texts.subList(0, 20), 1)).select("sentence", "sentiment").collectAsList();
        List<Row> after = loaded.transform(textFrame(texts.subList(0, 20), 1)).select("sentence", "sentiment").collectAsList();
        assertEquals(before, after);
        JbertClassifier alone = new JbertClassifier().setModelPath(model("seq-cls"));
        alone.write().overwrite().save(tmp.resolve("alone").toString());
        assertEquals(model("seq-cls"), JbertClassifier.load(tmp.resolve("alone").toString()).getOrDefault(alone.modelPath()));
    }

    @Test
    void singleLabelEvaluationEqualsTheSingleJvmReportExactly() {
        List<String> labels = Fixtures.labels("seq-cls");
        Random random = new Random(5);
        List<String> gold = texts.stream().map(t -> labels.get(random.nextInt(labels.size()))).toList();
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, false),
                DataTypes.createStructField("label", DataTypes.StringType, false)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) rows.add(RowFactory.create(texts.get(i), i % 4 == 0 ? String.valueOf(labels.indexOf(gold.get(i))) : gold.get(i)));
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(3);

        MetricReport distributed = DistributedEvaluator.evaluate(new JbertClassifier().setModelPath(model("seq-cls")).setInputCol("sentence"),
                data, "label");

        int[] yTrue = new int[texts.size()];
        int[] yPred = new int[texts.size()];
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("seq-cls"))) {
            List<Classification> predicted = local.classifyBatch(texts);
            for (int i = 0; i < texts.size(); i++) {
                yTrue[i] = labels.indexOf(gold.get(i));
                yPred[i] = labels.indexOf(predicted.get(i).asSingleLabel().label());
            }
        }
        ClassificationReport single = ClassificationMetrics.evaluate(yTrue, yPred, labels);
        assertEquals(single.toMap(), distributed.toMap());
        assertEquals(single.confusionMatrix(), ((ClassificationReport) distributed).confusionMatrix());
    }

    @Test
    void regressionAndMultiLabelEvaluationEqualTheSingleJvmReport() {
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("a", DataTypes.StringType, false),
                DataTypes.createStructField("b", DataTypes.StringType, false), DataTypes.createStructField("score", DataTypes.StringType, false)));
        Dataset<Row> data = spark.createDataFrame(pairs.stream().map(p -> RowFactory.create(p[0], p[1], p[2])).toList(), schema).repartition(2);
        JbertClassifier regression = new JbertClassifier().setModelPath(model("pair-regression")).setInputCol("a").setPairCol("b");
        MetricReport distributed = DistributedEvaluator.evaluate(regression, data, "score");
        // the distributed run collects rows in partition order: score the same rows in that order on one JVM
        List<Row> order = data.collectAsList();
        double[] gold = new double[order.size()];
        double[] predicted = new double[order.size()];
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("pair-regression"))) {
            List<Classification> answers = local.classifyPairs(order.stream().map(r -> new TextPair(r.getString(0), r.getString(1))).toList());
            for (int i = 0; i < order.size(); i++) {
                gold[i] = Double.parseDouble(order.get(i).getString(2));
                predicted[i] = ((Classification.Regression) answers.get(i)).value();
            }
        }
        assertMetricsClose(RegressionMetrics.evaluate(gold, predicted), distributed);

        List<String> labels = Fixtures.labels("multi-label");
        Random random = new Random(9);
        StructType multiSchema = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, false),
                DataTypes.createStructField("labels", DataTypes.createArrayType(DataTypes.StringType), false)));
        List<Row> rows = new ArrayList<>();
        for (String t : texts.subList(0, 60)) {
            List<String> chosen = labels.stream().filter(l -> random.nextInt(3) == 0).toList();
            rows.add(RowFactory.create(t, chosen.toArray(String[]::new)));
        }
        Dataset<Row> multi = spark.createDataFrame(rows, multiSchema).repartition(2);
        MetricReport multiDistributed = DistributedEvaluator.evaluate(new JbertClassifier().setModelPath(model("multi-label"))
                .setInputCol("sentence").setThreshold(0.5), multi, "labels");
        List<Row> multiOrder = multi.collectAsList();
        int[][] yTrue = new int[multiOrder.size()][labels.size()];
        int[][] yPred = new int[multiOrder.size()][labels.size()];
        try (TextClassifier local = TextClassifier.load(Fixtures.folder("multi-label"),
                dev.jbert.heads.inference.InferenceOptions.defaults().withThreshold(0.5))) {
            List<Classification> answers = local.classifyBatch(multiOrder.stream().map(r -> r.getString(0)).toList());
            for (int i = 0; i < multiOrder.size(); i++) {
                for (Object l : multiOrder.get(i).getList(1)) yTrue[i][labels.indexOf((String) l)] = 1;
                for (String l : answers.get(i).asMultiLabel().labels()) yPred[i][labels.indexOf(l)] = 1;
            }
        }
        assertEquals(MultiLabelMetrics.evaluate(yTrue, yPred, labels).toMap(), multiDistributed.toMap());
    }

    @Test
    void tokenEvaluationEqualsTheSingleJvmEvaluatorExactly() {
        Path file = Fixtures.repositoryRoot().resolve("samples/conll2003/dev.bio.txt");
        List<TokenExample> sentences = TokenReader.read(file, TokenReadOptions.defaults()).examples();
        sentences = sentences.subList(0, Math.min(80, sentences.size()));
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("tokens", DataTypes.createArrayType(DataTypes.StringType), false),
                DataTypes.createStructField("ner_tags", DataTypes.createArrayType(DataTypes.StringType), false)));
        Dataset<Row> data = spark.createDataFrame(sentences.stream()
                .map(e -> RowFactory.create(e.words().toArray(String[]::new), e.tags().toArray(String[]::new))).toList(), schema).repartition(3);
        JbertClassifier classifier = new JbertClassifier().setModelPath(model("token-cls"));
        MetricReport distributed = DistributedEvaluator.evaluateTokens(classifier, data, "tokens", "ner_tags");

        // one JVM, as jbert eval runs it, on the sentences in the order the partitions hold them
        List<TokenExample> order = new ArrayList<>();
        for (Row r : data.collectAsList()) order.add(new TokenExample(r.getList(0), r.getList(1), new SourceLine(null, order.size() + 1)));
        ClassifierModel model = SavedClassifier.open(Fixtures.folder("token-cls"), SavedClassifier.specOf(Fixtures.folder("token-cls")), 0, TrainedParameters.ALL);
        ClassifierSpec spec = SavedClassifier.specOf(Fixtures.folder("token-cls"));
        EncodedDataset encoded = EncodedDataset.ofTokens(order, LabelSet.of(spec.labels()), model.tokenizer(),
                EncodeOptions.dynamicPadding(PretrainedEncoder.maxInputLength(model.classifier().encoder().config(), model.tokenizer())),
                SubwordLabels.FIRST_SUBWORD);
        MetricReport single = new ClassifierEvaluator(spec, encoded.batches(32), Thresholds.global(0.5)).evaluateWithReport(model).report();
        assertEquals(single.toMap(), distributed.toMap());
        assertTrue(distributed.toMap().containsKey("entity_f1") || distributed.toMap().keySet().stream().anyMatch(k -> k.contains("f1")),
                distributed.toMap().toString());

        var wrongModel = assertThrows(IllegalArgumentException.class,
                () -> DistributedEvaluator.evaluateTokens(new JbertClassifier().setModelPath(model("seq-cls")), data, "tokens", "ner_tags"));
        assertTrue(wrongModel.getMessage().contains("SINGLE_LABEL model"), wrongModel.getMessage());
    }

    /** Regression outputs are floats from batches of other compositions: equal to 1e-5 each, so the metrics too. */
    private static void assertMetricsClose(MetricReport expected, MetricReport actual) {
        assertEquals(expected.toMap().keySet(), actual.toMap().keySet());
        expected.toMap().forEach((k, v) -> assertEquals(v, actual.toMap().get(k), TOLERANCE * Math.max(1, Math.abs(v)), k));
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        Dataset<Row> frame = textFrame(texts.subList(0, 3), 1);
        var noPath = assertThrows(IllegalArgumentException.class, () -> new JbertClassifier().setInputCol("sentence").transform(frame));
        assertTrue(noPath.getMessage().contains("modelPath"), noPath.getMessage());
        var noColumn = assertThrows(IllegalArgumentException.class, () -> new JbertClassifier().setModelPath(model("seq-cls")).transform(frame));
        assertTrue(noColumn.getMessage().contains("'text' is not a column") && noColumn.getMessage().contains("sentence"), noColumn.getMessage());
        var clash = assertThrows(IllegalArgumentException.class, () -> new JbertClassifier().setModelPath(model("seq-cls"))
                .setInputCol("sentence").setPredictionCol("sentence").transform(frame));
        assertTrue(clash.getMessage().contains("already exists"), clash.getMessage());
        Dataset<Row> numbers = spark.range(3).toDF("id");
        var notText = assertThrows(IllegalArgumentException.class, () -> new JbertClassifier().setModelPath(model("seq-cls"))
                .setInputCol("id").transform(numbers));
        assertTrue(notText.getMessage().contains("expected string"), notText.getMessage());
        var notAModel = assertThrows(RuntimeException.class, () -> new JbertClassifier().setModelPath(tmp.resolve("nothing").toString())
                .setInputCol("sentence").transform(frame));
        assertTrue(notAModel.getMessage().contains("nothing"), notAModel.getMessage());

        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, false),
                DataTypes.createStructField("label", DataTypes.StringType, false)));
        Dataset<Row> unknown = spark.createDataFrame(List.of(RowFactory.create("fine", "happy")), schema);
        Exception e = assertThrows(Exception.class, () -> DistributedEvaluator.evaluate(
                new JbertClassifier().setModelPath(model("seq-cls")).setInputCol("sentence"), unknown, "label"));
        assertTrue(rootMessage(e).contains("unknown label 'happy'"), rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) all.append(t.getMessage()).append(" | ");
        return all.toString();
    }
}

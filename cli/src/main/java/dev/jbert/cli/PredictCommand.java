package dev.jbert.cli;

import dev.jbert.core.nd4j.NativeBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.Entities;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.heads.inference.TextPair;
import dev.jbert.heads.predict.AggregationStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Predictions for every row of a file, as JSONL, through the inference API ({@link TextClassifier}). */
@Command(name = "predict", description = "Predict labels (or entities, for token models) for a JSONL, CSV or TSV file; writes JSONL.")
final class PredictCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, description = "A model folder saved by 'train'.")
    Path model;

    @Option(names = "--input", required = true, description = "File of texts (jsonl, csv or tsv).")
    Path input;

    @Option(names = "--output", description = "JSONL output file (default: standard output).")
    Path output;

    @Option(names = "--logits", description = "Include raw logits.") boolean logits;

    @Option(names = "--threshold", description = "Multi-label: one global threshold, overriding the tuned per-class thresholds saved with the model.")
    Double threshold;

    @Option(names = "--aggregation", defaultValue = "simple", description = "Token models: none, simple, first, average or max (default: ${DEFAULT-VALUE}).")
    String aggregation;

    @Option(names = "--per-device-eval-batch-size", defaultValue = "32", description = "Examples per batch (default: ${DEFAULT-VALUE}).") int batchSize;

    @Mixin
    DataOptions data;

    @Mixin
    PrecisionOptions precision;

    @Override
    public Integer call() throws IOException {
        NativeBackend.init();
        AggregationStrategy strategy = Options.aggregation(aggregation);
        Task taskType = SavedClassifier.specOf(model).task();
        List<TextExample> examples = Datasets.unlabelled(input, taskType, data);
        // one caller: no point waiting for others to fill a batch
        InferenceOptions options = InferenceOptions.defaults().withMaxBatchSize(batchSize).withMaxWait(Duration.ZERO)
                .withMaxLength(data.maxSeqLength).withThreshold(threshold).withAggregation(strategy).withPrecision(precision.choose(false));
        try (TextClassifier classifier = TextClassifier.load(model, options);
             PrintWriter out = output == null
                     ? new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : new PrintWriter(Files.newBufferedWriter(output))) {
            List<String> labels = classifier.info().labels();
            for (int from = 0; from < examples.size(); from += batchSize) {
                List<TextExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
                List<ObjectNode> lines;
                try {
                    lines = taskType == Task.TOKEN_CLASSIFICATION ? entities(classifier, chunk, strategy) : classify(classifier, chunk, labels);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(input + ", rows from line " + chunk.get(0).source().line() + ": " + e.getMessage(), e);
                }
                lines.forEach(out::println);
            }
        } catch (IOException e) {
            throw new ModelFileException(output, "cannot write predictions: " + e.getMessage(), e);
        }
        return 0;
    }

    private List<ObjectNode> classify(TextClassifier classifier, List<TextExample> chunk, List<String> labels) {
        // singles and pairs run as two batches; the lines keep the file's order
        List<String> singles = new ArrayList<>();
        List<TextPair> pairs = new ArrayList<>();
        for (TextExample ex : chunk) {
            if (ex.hasPair()) pairs.add(new TextPair(ex.text(), ex.textPair()));
            else singles.add(ex.text());
        }
        List<Classification> singleResults = singles.isEmpty() ? List.of() : classifier.classifyBatch(singles);
        List<Classification> pairResults = pairs.isEmpty() ? List.of() : classifier.classifyPairs(pairs);
        List<ObjectNode> lines = new ArrayList<>(chunk.size());
        int s = 0, p = 0;
        for (TextExample ex : chunk) {
            Classification c = ex.hasPair() ? pairResults.get(p++) : singleResults.get(s++);
            ObjectNode line = JSON.createObjectNode().put("text", ex.text());
            if (ex.hasPair()) line.put("text_pair", ex.textPair());
            if (c instanceof Classification.SingleLabel single) {
                line.put("label", single.label()).put("index", labels.indexOf(single.label())).put("score", single.score());
                line.set("probabilities", JSON.valueToTree(single.probabilities()));
            } else if (c instanceof Classification.MultiLabel multi) {
                line.set("labels", JSON.valueToTree(multi.labels()));
                line.set("probabilities", JSON.valueToTree(multi.probabilities()));
                line.set("thresholds", JSON.valueToTree(multi.thresholds()));
            } else {
                line.put("value", c.asRegression().value());
            }
            if (logits) line.set("logits", JSON.valueToTree(c.logits()));
            if (c.truncated()) line.put("truncated", true);
            lines.add(line);
        }
        return lines;
    }

    private static List<ObjectNode> entities(TextClassifier classifier, List<TextExample> chunk, AggregationStrategy strategy) {
        List<Entities> results = classifier.entitiesBatch(chunk.stream().map(TextExample::text).toList(), strategy);
        List<ObjectNode> lines = new ArrayList<>(chunk.size());
        for (Entities e : results) {
            ObjectNode line = JSON.createObjectNode().put("text", e.text());
            line.set("entities", JSON.valueToTree(e.entities()));
            if (e.truncated()) line.put("truncated", true);
            lines.add(line);
        }
        return lines;
    }
}

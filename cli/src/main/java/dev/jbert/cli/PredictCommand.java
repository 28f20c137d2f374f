package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.Batch;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.TaskType;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.SequencePredictor;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.heads.predict.TokenClassificationDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** Predictions for every row of a file, as JSONL. */
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

    @Option(names = "--per-device-eval-batch-size", defaultValue = "32") int batchSize;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws IOException {
        ClassifierSpec spec = SavedClassifier.specOf(model);
        ClassifierModel classifier = SavedClassifier.open(model, spec, 0, false);
        Task task = Task.valueOf(spec.task().name());
        List<TextExample> examples = Datasets.unlabelled(input, task, data);
        EncodedDataset set = EncodedDataset.ofText(examples, task, null, classifier.tokenizer(),
                EncodeOptions.dynamicPadding(data.maxSeqLength));
        SequencePredictor sequences = spec.task() == TaskType.TOKEN_CLASSIFICATION ? null : sequencePredictor(spec);
        TokenClassificationDecoder tokens = TokenClassificationDecoder.of(spec.labels());
        AggregationStrategy strategy = AggregationStrategy.parse(aggregation);

        try (PrintWriter out = output == null
                ? new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : new PrintWriter(Files.newBufferedWriter(output))) {
            int next = 0;
            for (Batch batch : set.batches(batchSize)) {
                float[][] rows = classifier.predict(batch).toFloatMatrix();
                float[][][] perExample = spec.task() == TaskType.TOKEN_CLASSIFICATION
                        ? TokenClassificationDecoder.splitBatch(rows, batch.size())
                        : null;
                for (int b = 0; b < batch.size(); b++, next++) {
                    TextExample ex = examples.get(next);
                    ObjectNode line = JSON.createObjectNode().put("text", ex.text());
                    if (ex.hasPair()) line.put("text_pair", ex.textPair());
                    if (perExample != null) {
                        var encoding = set.encoding(next);
                        float[][] own = Arrays.copyOf(perExample[b], encoding.length());
                        line.set("entities", JSON.valueToTree(tokens.decode(ex.text(), encoding, own, strategy)));
                    } else {
                        line.setAll((ObjectNode) JSON.valueToTree(sequences.predict(rows[b])));
                        if (!logits) line.remove("logits");
                    }
                    if (set.encoding(next).truncated()) line.put("truncated", true);
                    out.println(line);
                }
            }
        } catch (IOException e) {
            throw new ModelFileException(output, "cannot write predictions: " + e.getMessage(), e);
        }
        return 0;
    }

    private SequencePredictor sequencePredictor(ClassifierSpec spec) {
        SequencePredictor p = SequencePredictor.of(spec).withLogits(logits);
        if (spec.task() != TaskType.MULTI_LABEL) return p;
        if (threshold != null) return p.withThreshold(threshold);
        Path tuned = model.resolve(Thresholds.FILE_NAME);
        return Files.isRegularFile(tuned) ? p.withThresholds(Thresholds.read(tuned)) : p;
    }
}

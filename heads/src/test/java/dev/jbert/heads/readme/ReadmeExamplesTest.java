package dev.jbert.heads.readme;

import dev.jbert.core.data.Task;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.testdata.Fixtures;
import dev.jbert.testdata.ReadmeRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java examples: each block marked {@code <!-- compiled: ReadmeExamples.java NAME -->} is the region NAME
 * of {@link ReadmeExamples} ({@link ReadmeRegions}), which this test runs on the bundled fixtures and samples.
 */
class ReadmeExamplesTest {

    @TempDir
    Path dir;

    @Test
    void theReadmesBlocksAreTheCompiledExamples() {
        ReadmeRegions.assertReadmeShows(Path.of("src/test/java/dev/jbert/heads/readme/ReadmeExamples.java"));
    }

    @Test
    void fineTuningFromFilesTrainsEvaluatesAndSaves() throws Exception {
        Path samples = Fixtures.repositoryRoot().resolve("samples/sst2");
        var result = ReadmeExamples.fineTune(Fixtures.folder("base"), samples.resolve("train.tsv"), samples.resolve("dev.tsv"), dir.resolve("sst2"));
        assertTrue(Files.isRegularFile(result.modelDir().resolve("config.json")));
        assertTrue(result.metrics().containsKey("accuracy"), result.metrics().toString());
        assertTrue(result.bestCheckpoint().isPresent());
        assertTrue(result.steps() > 0);

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) texts.add(i % 2 == 0 ? "a wonderful, moving film " + i : "a dull and tedious mess " + i);
        List<String> labels = ReadmeExamples.classifyFromThreads(result.modelDir(), texts);
        assertEquals(texts.size(), labels.size());
        assertTrue(labels.stream().allMatch(l -> l.equals("0") || l.equals("1")), labels.toString());
        assertEquals(labels, ReadmeExamples.classifyFromThreads(result.modelDir(), texts), "the same answers however the threads interleave");
    }

    @Test
    void fineTuningAnImbalancedSetWithClassWeightsAndOversampling() {
        Path samples = Fixtures.repositoryRoot().resolve("samples/sms_spam");
        var result = ReadmeExamples.fineTuneImbalanced(Fixtures.folder("base"), samples.resolve("train.tsv"), samples.resolve("dev.tsv"),
                dir.resolve("spam"));
        assertTrue(result.report().isPresent() && result.metrics().containsKey("f1_macro"), result.metrics().toString());
        assertEquals(2, result.labels().size());
        long[] counts = result.trainingData().orElseThrow().forBalance(dev.jbert.core.data.BalanceCounts.REAL);
        assertTrue(counts[0] != counts[1], "the sample is imbalanced: " + java.util.Arrays.toString(counts));
    }

    @Test
    void fineTuningFromExamplesBuiltInCode() {
        var result = ReadmeExamples.fineTuneInMemory(Fixtures.folder("base"), dir.resolve("in-memory"));
        assertTrue(Files.isRegularFile(result.modelDir().resolve("config.json")));
        assertTrue(result.metrics().isEmpty(), "no validation data, no metrics");
    }

    @Test
    void theEncoderExampleRunsAndFreesItsMemory() {
        long[] shape = ReadmeExamples.encode(Fixtures.folder("base"), List.of("hello world", "a second, longer sentence here"));
        assertEquals(2, shape[0]);
        assertEquals(Fixtures.config("base").get("hidden_size").asLong(), shape[2]);
    }

    @Test
    void theEmbeddingExampleRunsOnAClassifierAndATagger() {
        ReadmeExamples.embedding(Fixtures.folder("seq-cls"), Fixtures.folder("token-cls"), List.of("one", "two more"));
    }

    @Test
    void thePrecisionExampleRunsWhereverItIsSupported() {
        try (ClassifierModel model = SavedClassifier.open(Fixtures.folder("seq-cls"),
                ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.labels("seq-cls")), 42, TrainedParameters.ALL)) {
            ReadmeExamples.precision(model, Fixtures.folder("seq-cls"));
        }
    }
}

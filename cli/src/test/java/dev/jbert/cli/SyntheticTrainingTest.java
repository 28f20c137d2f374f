package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --synthetic}: generated examples, with provenance columns the reader ignores, join the training set
 * only; the report and the log's first record count them per label beside the real ones; every misuse is one line.
 * Short runs of the tiny seq-cls fixture with a new two-label head.
 */
class SyntheticTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path train, validation, synthetic;

    @BeforeAll
    static void writeData() throws IOException {
        List<String> rows = new ArrayList<>(List.of("sentence\tlabel"));
        for (int i = 0; i < 9; i++) rows.add("a dull and tiresome film number " + i + "\tneg");
        for (int i = 0; i < 3; i++) rows.add("a bright and witty film number " + i + "\tpos");
        train = write("train.tsv", rows);
        validation = write("dev.tsv", List.of("sentence\tlabel", "dull\tneg", "tiresome\tneg", "witty\tpos", "bright\tpos", "flat\tneg"));
        synthetic = write("synthetic.tsv", List.of("sentence\tlabel\tsynthetic\tgenerator_model\tprompt_sha256",
                "a lovely, warm story\tpos\ttrue\tllama-3-8b\t9f2c", "sharp and funny throughout\tpos\ttrue\tllama-3-8b\t9f2c",
                "a joy from start to end\tpos\ttrue\tllama-3-8b\t9f2c", "clever, moving and bright\tpos\ttrue\tllama-3-8b\t9f2c",
                "a slow, empty slog\tneg\ttrue\tllama-3-8b\t77aa"));
    }

    private static Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    private static List<String> train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--model", Fixtures.folder("seq-cls").toString(), "--replace-head",
                "--train", train.toString(), "--validation", validation.toString(), "--output", out.toString(),
                "--max-steps", "2", "--per-device-train-batch-size", "4", "--save-strategy", "no", "--eval-strategy", "no"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Runs the command line, returning its exit code and what it wrote to standard error. */
    private static Run run(List<String> args) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(stderr);
        }
    }

    private record Run(int code, String err) {
    }

    @Test
    void syntheticExamplesJoinTrainingOnlyAndAreCountedPerLabel() throws IOException {
        Path out = dir.resolve("with-synthetic");
        Run r = run(train(out, "--synthetic", synthetic.toString(), "--synthetic-weight", "2.5", "--sampling", "over"));
        assertEquals(0, r.code(), r.err());

        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode data = report.get("training_data");
        assertEquals(12, data.get("real_examples").asInt());
        assertEquals(5, data.get("synthetic_examples").asInt());
        assertEquals(2.5, data.get("synthetic_weight").asDouble());
        assertEquals(synthetic.toString(), data.get("synthetic_file").asText());
        assertEquals(9, data.get("per_label").get("neg").get("real").asInt());
        assertEquals(1, data.get("per_label").get("neg").get("synthetic").asInt());
        assertEquals(3, data.get("per_label").get("pos").get("real").asInt());
        assertEquals(4, data.get("per_label").get("pos").get("synthetic").asInt());
        int support = 0;
        for (JsonNode c : report.get("per_class")) support += c.get("support").asInt();
        assertEquals(5, support, "validation holds its own five rows, no synthetic one");

        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| pos | 3 | 4 |") && md.contains("weighing 2.5"), md);
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.startsWith("---\nlibrary_name: jbert\n") && card.contains("- synthetic-data"), card);
        assertTrue(card.contains("| pos | 3 | 4 |") && card.contains("weighing 2.5") && card.contains("## Evaluation"),
                "the model card says what the model was trained on: " + card);

        JsonNode first = JSON.readTree(Files.readAllLines(out.resolve("log.jsonl")).get(0));
        assertEquals("data", first.get("type").asText());
        assertEquals(0, first.get("step").asInt());
        assertEquals(data, ((com.fasterxml.jackson.databind.node.ObjectNode) first.deepCopy()).without(List.of("type", "step")), "the log's first record is the report's training data");
    }

    @Test
    void jsonlProvenanceFieldsAreIgnored() throws IOException {
        Path jsonTrain = write("train.jsonl", List.of("{\"text\": \"dull\", \"label\": \"neg\"}", "{\"text\": \"flat\", \"label\": \"neg\"}",
                "{\"text\": \"witty\", \"label\": \"pos\"}"));
        Path jsonSynthetic = write("synthetic.jsonl", List.of(
                "{\"text\": \"a lovely story\", \"label\": \"pos\", \"synthetic\": true, \"generator\": {\"model\": \"qwen\", \"temperature\": 0.9},"
                        + " \"prompt\": {\"template\": \"few-shot-v1\", \"sha256\": \"ab12\"}, \"shown\": [\"witty\"], \"seed\": 7}"));
        Path out = dir.resolve("jsonl");
        Run r = run(List.of("train", "--model", Fixtures.folder("seq-cls").toString(), "--replace-head", "--train", jsonTrain.toString(),
                "--synthetic", jsonSynthetic.toString(), "--output", out.toString(), "--max-steps", "1", "--save-strategy", "no"));
        assertEquals(0, r.code(), r.err());
        JsonNode data = JSON.readTree(Files.readAllLines(out.resolve("log.jsonl")).get(0));
        assertEquals(1, data.get("per_label").get("pos").get("synthetic").asInt());
        assertEquals(1.0, data.get("synthetic_weight").asDouble(), "the default weight");
    }

    @Test
    void aMissingSyntheticFileIsBadInput() {
        Path missing = dir.resolve("no-such-synthetic.tsv");
        Run r = run(train(dir.resolve("missing"), "--synthetic", missing.toString()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no-such-synthetic.tsv"), r.err());
    }

    @Test
    void aSyntheticLabelTheTrainingDataLacksNamesFileLineAndLabel() throws IOException {
        Path offLabel = write("off-label.tsv", List.of("sentence\tlabel\tsynthetic", "a fine film\tpos\ttrue", "a so-so film\tmixed\ttrue"));
        Run r = run(train(dir.resolve("off-label"), "--synthetic", offLabel.toString()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("off-label.tsv") && r.err().contains("line 3") && r.err().contains("'mixed'"), r.err());
    }

    @Test
    void aWeightThatIsNotPositiveAndFiniteIsBadUsage() {
        for (String w : List.of("0", "-1", "NaN", "Infinity")) {
            Run r = run(train(dir.resolve("weight"), "--synthetic", synthetic.toString(), "--synthetic-weight", w));
            assertEquals(2, r.code(), "weight " + w);
            assertTrue(r.err().contains("--synthetic-weight") && r.err().contains("> 0"), r.err());
        }
        Run bare = run(train(dir.resolve("weight"), "--synthetic-weight", "2"));
        assertEquals(2, bare.code(), "a weight without --synthetic");
        assertTrue(bare.err().contains("--synthetic-weight applies to --synthetic examples"), bare.err());
        Run counts = run(train(dir.resolve("weight"), "--synthetic-counts-for-balance"));
        assertEquals(2, counts.code(), "--synthetic-counts-for-balance without --synthetic");
    }

    @Test
    void tokenClassificationRefusesSyntheticExamples() {
        Path conll = Fixtures.repositoryRoot().resolve("samples/conll2003/train.bio.txt");
        Run r = run(List.of("train", "--task", "token", "--train", conll.toString(), "--synthetic", conll.toString(),
                "--output", dir.resolve("token").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("token classification takes no synthetic examples"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}

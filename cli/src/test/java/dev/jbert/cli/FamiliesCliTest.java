package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every encoder family through the command line on the bundled samples, from its tiny fixture checkpoint: a short
 * fine-tune of SST-2 and of CoNLL-2003 tags, then eval and predict on what train saved. Pretrained
 * weights of these families are not at hand offline; the fixtures prove exactness, this proves the wiring.
 */
class FamiliesCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runs;

    private static String path(String relative) {
        return Fixtures.repositoryRoot().resolve(relative).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert"})
    void trainsEvaluatesAndPredictsEveryFamily(String family) throws IOException {
        Path out = runs.resolve(family);
        assertEquals(0, Main.run("train", "--model", path("testdata/fixtures/families/" + family + "/seq-cls"), "--replace-head",
                "--train", path("samples/sst2/train.tsv"), "--validation", path("samples/sst2/dev.tsv"), "--output", out.toString(),
                "--max-steps", "6", "--learning-rate", "1e-3", "--max-seq-length", "48"));
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(family, config.get("model_type").asText());
        assertTrue(config.get("architectures").get(0).asText().endsWith("ForSequenceClassification"));
        assertTrue(JSON.readTree(out.resolve("report.json").toFile()).get("metrics").has("accuracy"));
        assertEquals(0, Main.run("eval", "--model", out.toString(), "--data", path("samples/sst2/dev.tsv"),
                "--output", runs.resolve(family + "-eval").toString()));
        Path input = Files.writeString(runs.resolve(family + "-input.jsonl"),
                "{\"text\": \"a gripping, beautiful film\"}\n{\"text\": \"the plot is a mess\"}\n");
        Path predictions = runs.resolve(family + "-predictions.jsonl");
        assertEquals(0, Main.run("predict", "--model", out.toString(), "--input", input.toString(), "--output", predictions.toString()));
        assertEquals(2, Files.readAllLines(predictions).size());

        Path ner = runs.resolve(family + "-ner");
        assertEquals(0, Main.run("train", "--task", "token", "--model", path("testdata/fixtures/families/" + family + "/token-cls"),
                "--replace-head", "--train", path("samples/conll2003/train.bio.txt"), "--validation", path("samples/conll2003/dev.bio.txt"),
                "--output", ner.toString(), "--max-steps", "4", "--max-seq-length", "48"));
        assertTrue(JSON.readTree(ner.resolve("config.json").toFile()).get("architectures").get(0).asText().endsWith("ForTokenClassification"));
        Path sentence = Files.writeString(runs.resolve(family + "-ner.jsonl"), "{\"text\": \"Peter Blackburn visited Zürich\"}\n");
        Path entities = runs.resolve(family + "-entities.jsonl");
        assertEquals(0, Main.run("predict", "--model", ner.toString(), "--input", sentence.toString(), "--output", entities.toString()));
        List<String> lines = Files.readAllLines(entities);
        assertEquals(1, lines.size());
        assertTrue(JSON.readTree(lines.get(0)).get("entities").isArray());
    }
}

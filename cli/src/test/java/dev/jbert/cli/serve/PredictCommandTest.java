package dev.jbert.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Main;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert predict}, which runs on the inference API, against the fixtures' reference logits. */
class PredictCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void predictsTheReferenceProbabilitiesInFileOrder(@TempDir Path dir) throws IOException {
        JsonNode ref = Fixtures.reference("seq-cls");
        StringBuilder input = new StringBuilder();
        int singles = 0; // the fixture's single texts come before its pairs
        while (singles < ref.get("inputs").size() && ref.get("inputs").get(singles).get("text_pair").isNull()) singles++;
        for (int i = 0; i < singles; i++) {
            input.append(JSON.createObjectNode().put("text", ref.get("inputs").get(i).get("text").asText())).append('\n');
        }
        Files.writeString(dir.resolve("texts.jsonl"), input);
        Path out = dir.resolve("predictions.jsonl");
        // truncated as the reference was; a batch size of 3 splits the file into uneven batches
        String maxLength = String.valueOf(Fixtures.paddedLength(ref.get("inputs")));
        assertEquals(0, Main.run("predict", "--model", Fixtures.folder("seq-cls").toString(), "--input",
                dir.resolve("texts.jsonl").toString(), "--output", out.toString(), "--logits", "--max-seq-length", maxLength,
                "--per-device-eval-batch-size", "3"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(singles, lines.size());
        List<String> labels = Fixtures.labels("seq-cls");
        for (int i = 0; i < singles; i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertEquals(ref.get("inputs").get(i).get("text").asText(), line.get("text").asText());
            double[] logits = Fixtures.flatten(ref.get("logits").get(i));
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) max = Math.max(max, l);
            double sum = 0;
            for (double l : logits) sum += Math.exp(l - max);
            int best = 0;
            for (int c = 0; c < labels.size(); c++) {
                assertEquals(Math.exp(logits[c] - max) / sum, line.get("probabilities").get(labels.get(c)).asDouble(), 1e-5);
                assertEquals(logits[c], line.get("logits").get(c).asDouble(), 1e-5);
                if (logits[c] > logits[best]) best = c;
            }
            assertEquals(labels.get(best), line.get("label").asText());
            assertEquals(best, line.get("index").asInt());
        }
    }

    @Test
    void predictsEntitiesWithOffsets(@TempDir Path dir) throws IOException {
        // the token fixture's first sentence, whose first subwords' tags in the reference say whether it holds entities
        JsonNode ref = Fixtures.reference("token-cls");
        List<String> words = new ArrayList<>();
        ref.get("inputs_continuation_I").get(0).get("words").forEach(w -> words.add(w.asText()));
        String text = String.join(" ", words);
        boolean tagged = false;
        for (JsonNode tag : ref.get("predicted_tags_first_subword").get(0)) tagged |= !tag.asText().equals("O");
        Files.writeString(dir.resolve("ner.jsonl"), JSON.createObjectNode().put("text", text) + "\n"
                + JSON.createObjectNode().put("text", "Peter Blackburn visited Mountainview") + "\n");
        Path out = dir.resolve("ner-predictions.jsonl");
        assertEquals(0, Main.run("predict", "--model", Fixtures.folder("token-cls").toString(), "--input",
                dir.resolve("ner.jsonl").toString(), "--output", out.toString(), "--aggregation", "first"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(text, first.get("text").asText());
        assertEquals(tagged, !first.get("entities").isEmpty(), first.toString());
        for (JsonNode e : first.get("entities")) {
            assertEquals(text.substring(e.get("start").asInt(), e.get("end").asInt()), e.get("word").asText());
            assertTrue(e.has("entityGroup") && e.has("score"));
        }
        assertFalse(first.has("truncated"));
    }
}

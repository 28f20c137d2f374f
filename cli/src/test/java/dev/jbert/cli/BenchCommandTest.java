package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.PrecisionSupport;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert bench} writes its JSON and Markdown; bad options are one clear error. */
class BenchCommandTest {

    @TempDir
    Path out;

    private final String texts = Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv").toString();

    /** With --bf16 and --int8 where this machine has their instructions: every precision a row of its own. */
    @Test
    void aShortRunWritesResults() throws Exception {
        List<String> args = new ArrayList<>(List.of("bench", "--shapes", "tiny", "--train-batch", "2", "--inference-batch", "2", "--length",
                "16", "--warmup", "1", "--steps", "2", "--latency-requests", "2", "--gemm-size", "64", "--texts", texts,
                "--pytorch", "reference", "--output", out.toString()));
        List<String> precisions = new ArrayList<>(List.of("fp32"));
        for (Precision p : List.of(Precision.BF16, Precision.INT8)) {
            if (!PrecisionSupport.supported(p)) continue;
            args.add("--" + p.flag());
            precisions.add(p.flag());
        }
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("tiny", json.at("/shapes/0/shape").asText());
        List<String> measured = new ArrayList<>();
        for (JsonNode t : json.at("/shapes/0/throughputs")) {
            assertTrue(t.get("sequencesPerSecond").asDouble() > 0);
            if (t.get("mode").asText().equals("inference") && t.get("kernels").asText().equals("host")) measured.add(t.get("precision").asText());
        }
        assertEquals(precisions, measured);
        String md = Files.readString(out.resolve("results.md"));
        for (String p : precisions) assertTrue(md.contains("| tiny | 2/128/2 | inference | " + p + " | host | 2 × 16 |"), md);
    }

    @Test
    void badOptionsAreClearErrors() {
        assertEquals(2, Main.run("bench", "--shapes", "large", "--texts", texts, "--output", out.toString()));
        assertEquals(2, Main.run("bench", "--pytorch", "maybe", "--texts", texts, "--output", out.toString()));
        assertEquals(1, Main.run("bench", "--texts", out.resolve("none.tsv").toString(), "--output", out.toString()));
        assertEquals(2, Main.run("bench", "--length", "600", "--texts", texts, "--output", out.toString()));
    }
}

package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bench.harness.BenchReport.ShapeResult;
import dev.jbert.bench.harness.BenchReport.Throughput;
import dev.jbert.bert.onnx.DefaultModel;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness on the tiny shape for a couple of steps: a complete, well-formed result (no timing is asserted). */
class HarnessTest {

    @TempDir
    Path cache;

    @Test
    void tinyShapeProducesAWellFormedReport() throws Exception {
        BenchOptions options = new BenchOptions(List.of(ModelShape.TINY), 2, 2, 16, 1, 2, 3, 64,
                Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv"), DefaultModel.folder(cache), PyTorchSide.Mode.REFERENCE, true, List.of(32));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchReport report = new Harness(options, new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(cache.resolve("no-script.py"), "python3");

        assertTrue(report.gemm().gflops() > 0);
        assertTrue(report.tokenizer().tokensPerSecond() > report.tokenizer().textsPerSecond());
        assertFalse(report.machine().nativeBuild().isBlank());
        assertTrue(report.machine().threads() >= 1);
        assertEquals(1, report.shapes().size());
        ShapeResult tiny = report.shapes().get(0);
        assertEquals("2/128/2", tiny.dimensions());
        // word, position and type embeddings, 2 layers, pooler, classifier
        long expected = 30522 * 128 + 512 * 128 + 2 * 128 + 2 * 128
                + 2 * (4 * (128 * 128 + 128) + 2 * 2 * 128 + (128 * 512 + 512) + (512 * 128 + 128))
                + 128 * 128 + 128 + 2 * 128 + 2;
        assertEquals(expected, tiny.parameters());
        for (Throughput t : List.of(tiny.training(), tiny.inference())) {
            assertEquals(2, t.batch());
            assertEquals(16, t.length());
            assertEquals(2, t.stepSeconds().count());
            assertTrue(t.stepSeconds().p10() <= t.stepSeconds().median() && t.stepSeconds().median() <= t.stepSeconds().p90());
            assertEquals(t.sequencesPerSecond() * 16, t.tokensPerSecond(), 1e-6 * t.tokensPerSecond());
            assertTrue(t.gflops() > 0 && t.shareOfGemmPeak() > 0);
            assertTrue(t.peakResidentMb() > 0 && t.peakHeapMb() > 0);
        }
        assertTrue(tiny.loadSeconds() > 0);
        assertEquals(3, tiny.latency().requests());
        assertTrue(tiny.latency().p50Ms() <= tiny.latency().p99Ms());
        assertFalse(tiny.trainingProfile().kernels().isEmpty(), "the profile saw the training step's kernels");
        assertFalse(tiny.inferenceProfile().kernels().isEmpty(), "the profile saw the forward pass's kernels");
        assertTrue(tiny.trainingProfile().kernels().size() > tiny.inferenceProfile().kernels().size(),
                "training adds the loss, the optimizer and clipping to the forward pass's kernels");
        assertTrue(tiny.trainingProfile().kernelSeconds() > 0 && tiny.trainingProfile().kernelSeconds() <= tiny.trainingProfile().stepSeconds());
        assertTrue(tiny.trainingProfile().optimizerSeconds() > 0);
        assertFalse(report.pytorch().sameRun());

        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report));
        assertEquals("tiny", json.at("/shapes/0/shape").asText());
        assertTrue(json.at("/shapes/0/training/sequencesPerSecond").asDouble() > 0);
        assertFalse(json.at("/machine/backend").asText().isBlank());

        String markdown = MarkdownReport.of(report);
        assertTrue(markdown.contains("| tiny | 2/128/2 | training | 2 × 16 |"), markdown);
        assertTrue(markdown.contains("Profile, tiny training"), markdown);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("tiny training: median"), log.toString(StandardCharsets.UTF_8));
    }
}

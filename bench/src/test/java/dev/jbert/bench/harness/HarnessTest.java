package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bench.harness.BenchReport.ShapeResult;
import dev.jbert.bench.harness.BenchReport.Throughput;
import dev.jbert.bert.onnx.DefaultModel;
import dev.jbert.core.nn.KernelSet;
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
                Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv"), DefaultModel.folder(cache), PyTorchSide.Mode.REFERENCE, true, List.of(32),
                List.of(), List.of(KernelSet.DEVICE));
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
        Throughput training = tiny.find("training", "fp32").orElseThrow(), inference = tiny.find("inference", "fp32").orElseThrow();
        assertEquals(4, tiny.throughputs().size(), "fp32 on the host kernels, and on the device kernels asked for, in training and inference");
        assertTrue(tiny.find("inference", "fp32", "device").orElseThrow().sequencesPerSecond() > 0);
        assertTrue(tiny.find("training", "fp32", "device").orElseThrow().sequencesPerSecond() > 0);
        for (Throughput t : List.of(training, inference)) {
            assertEquals(2, t.batch());
            assertEquals(16, t.length());
            assertEquals(2, t.stepSeconds().count());
            assertTrue(t.stepSeconds().p10() <= t.stepSeconds().median() && t.stepSeconds().median() <= t.stepSeconds().p90());
            assertEquals(t.sequencesPerSecond() * 16, t.tokensPerSecond(), 1e-6 * t.tokensPerSecond());
            assertTrue(t.gflops() > 0 && t.shareOfGemmPeak() > 0);
            assertTrue(t.peakResidentMb() > 0 && t.peakHeapMb() > 0);
        }
        BenchReport.Latency latency = tiny.latencies().get(0);
        assertTrue(latency.loadSeconds() > 0);
        assertEquals(3, latency.requests());
        assertTrue(latency.p50Ms() <= latency.p99Ms());
        assertEquals(tiny.parameters() * 4 / 1048576.0, tiny.footprints().get(0).weightsMb(), 1e-6, "float32 masters");
        assertEquals(0, tiny.footprints().get(0).copiesMb());
        BenchReport.Profile trainingProfile = tiny.profiles().stream().filter(p -> p.mode().equals("training")).findFirst().orElseThrow();
        BenchReport.Profile inferenceProfile = tiny.profiles().stream().filter(p -> p.mode().equals("inference")).findFirst().orElseThrow();
        assertFalse(trainingProfile.kernels().isEmpty(), "the profile saw the training step's kernels");
        assertFalse(inferenceProfile.kernels().isEmpty(), "the profile saw the forward pass's kernels");
        assertTrue(trainingProfile.kernels().size() > inferenceProfile.kernels().size(),
                "training adds the loss, the optimizer and clipping to the forward pass's kernels");
        assertTrue(trainingProfile.kernelSeconds() > 0 && trainingProfile.kernelSeconds() <= trainingProfile.stepSeconds());
        assertTrue(trainingProfile.optimizerSeconds() > 0);
        assertFalse(report.pytorch().sameRun());

        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report));
        assertEquals("tiny", json.at("/shapes/0/shape").asText());
        assertTrue(json.at("/shapes/0/throughputs/0/sequencesPerSecond").asDouble() > 0);
        assertFalse(json.at("/machine/backend").asText().isBlank());

        String markdown = MarkdownReport.of(report);
        assertTrue(markdown.contains("| tiny | 2/128/2 | training | fp32 | host | 2 × 16 |"), markdown);
        assertTrue(markdown.contains("| tiny | 2/128/2 | training | fp32 | device | 2 × 16 |"), markdown);
        assertTrue(markdown.contains("jbert fp32, device kernels"), markdown);
        assertTrue(markdown.contains("| tiny | inference | 2 × 16 |"), "the speed table: " + markdown);
        assertTrue(markdown.contains("Profile, tiny fp32 training"), markdown);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("tiny fp32 training: median"), log.toString(StandardCharsets.UTF_8));
    }
}

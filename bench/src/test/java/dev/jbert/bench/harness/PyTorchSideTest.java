package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PyTorchSideTest {

    @TempDir
    Path dir;

    private static BenchOptions options(PyTorchSide.Mode mode) {
        return new BenchOptions(List.of(ModelShape.TINY), null, null, 128, 3, 10, 50, 1024, Path.of("t.tsv"), Path.of("m"), mode, false, List.of(),
                List.of(), List.of());
    }

    @Test
    void theScriptsJsonBecomesSameRunRows() throws Exception {
        PyTorchSide.Figures f = PyTorchSide.parse(new ObjectMapper().readTree("""
                {"torch": "2.5.1", "transformers": "4.46.0", "onnxruntime": "1.30.0", "threads": 2,
                 "rows": [{"shape": "tiny", "mode": "training", "batch": 32, "length": 128, "sequences_per_second": 250.5},
                          {"shape": "tiny", "mode": "inference", "batch": 32, "length": 128, "runtime": "onnxruntime",
                           "precision": "int8", "sequences_per_second": 900}]}"""));
        assertTrue(f.sameRun());
        assertTrue(f.source().contains("PyTorch 2.5.1") && f.source().contains("ONNX Runtime 1.30.0") && f.source().contains("2 threads"),
                f.source());
        assertEquals(250.5, f.find("tiny", "training", 32, 128, PyTorchSide.PYTORCH, "fp32").orElseThrow().sequencesPerSecond(),
                "a row without runtime and precision is PyTorch's fp32, as the script's first version printed");
        assertFalse(f.find("tiny", "training", 16, 128, PyTorchSide.PYTORCH, "fp32").isPresent(), "another batch size is another row");
        assertEquals(900, f.find("tiny", "inference", 32, 128, PyTorchSide.ONNX_RUNTIME, "int8").orElseThrow().sequencesPerSecond());
        assertFalse(f.find("tiny", "inference", 32, 128, PyTorchSide.PYTORCH, "int8").isPresent(), "another runtime is another row");
    }

    @Test
    void withoutTheScriptTheRecordedFiguresStandInAndSaySo() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchOptions options = options(PyTorchSide.Mode.AUTO);
        PyTorchSide.Figures f = PyTorchSide.combine(options, List.of(PyTorchSide.measure(options, options.shapes(),
                dir.resolve("missing.py"), "python3", new PrintStream(log, true, StandardCharsets.UTF_8))));
        assertSame(PyTorchSide.REFERENCE, f);
        assertFalse(f.sameRun());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("missing.py not found"), log.toString(StandardCharsets.UTF_8));
        assertEquals(281, f.find("tiny", "training", 32, 128, PyTorchSide.PYTORCH, "fp32").orElseThrow().sequencesPerSecond());
    }

    @Test
    void aPythonThatFailsFallsBackToTheRecordedFigures() throws Exception {
        Path script = Files.writeString(dir.resolve("bench.py"), "import sys\nsys.stderr.write('no torch here')\nsys.exit(3)\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchOptions options = options(PyTorchSide.Mode.AUTO);
        PyTorchSide.Figures f = PyTorchSide.combine(options, List.of(PyTorchSide.measure(options, options.shapes(), script,
                "no-such-python-command", new PrintStream(log, true, StandardCharsets.UTF_8))));
        assertSame(PyTorchSide.REFERENCE, f);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("PyTorch side unavailable"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void offShowsNoColumn() {
        BenchOptions options = options(PyTorchSide.Mode.OFF);
        assertTrue(PyTorchSide.measure(options, options.shapes(), dir.resolve("x.py"), "python3", System.out).isEmpty(), "nothing runs");
        assertTrue(PyTorchSide.combine(options, List.of()).rows().isEmpty());
    }

    @Test
    void shapesMeasuredOneByOneCombineIntoOneSameRunColumn() throws Exception {
        assumeTrue(python3(), "no python3 on this machine");
        // stands in for pytorch_bench.py: one row per shape and mode asked for, as the real script prints them
        Path script = Files.writeString(dir.resolve("bench.py"), String.join("\n",
                "import json, sys",
                "shapes = sys.argv[sys.argv.index('--shapes') + 1].split(',')",
                "rows = [{'shape': s, 'mode': m, 'batch': 8, 'length': 128, 'sequences_per_second': 10.0 + i}",
                "        for i, s in enumerate(shapes) for m in ('training', 'inference')]",
                "print(json.dumps({'torch': '2.13.0', 'transformers': '5.18.0', 'threads': 2, 'rows': rows}))", ""));
        BenchOptions options = options(PyTorchSide.Mode.AUTO);
        List<java.util.Optional<PyTorchSide.Figures>> perShape = List.of(
                PyTorchSide.measure(options, List.of(ModelShape.TINY), script, "python3", System.out),
                PyTorchSide.measure(options, List.of(ModelShape.BASE), script, "python3", System.out));
        PyTorchSide.Figures f = PyTorchSide.combine(options, perShape);
        assertTrue(f.sameRun());
        assertEquals(4, f.rows().size());
        assertTrue(f.find("base", "inference", 8, 128, PyTorchSide.PYTORCH, "fp32").isPresent()
                && f.find("tiny", "training", 8, 128, PyTorchSide.PYTORCH, "fp32").isPresent());
        assertTrue(f.source().contains("each shape right after jbert's"), f.source());
        // one shape that could not run makes the whole column the recorded one: never a mix
        assertSame(PyTorchSide.REFERENCE, PyTorchSide.combine(options, List.of(perShape.get(0), java.util.Optional.empty())));
    }

    private static boolean python3() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}

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

class PyTorchSideTest {

    @TempDir
    Path dir;

    private static BenchOptions options(PyTorchSide.Mode mode) {
        return new BenchOptions(List.of(ModelShape.TINY), null, null, 128, 3, 10, 50, 1024, Path.of("t.tsv"), Path.of("m"), mode, false);
    }

    @Test
    void theScriptsJsonBecomesSameRunRows() throws Exception {
        PyTorchSide.Figures f = PyTorchSide.parse(new ObjectMapper().readTree("""
                {"torch": "2.5.1", "transformers": "4.46.0", "threads": 2,
                 "rows": [{"shape": "tiny", "mode": "training", "batch": 32, "length": 128, "sequences_per_second": 250.5}]}"""));
        assertTrue(f.sameRun());
        assertTrue(f.source().contains("PyTorch 2.5.1") && f.source().contains("2 threads"), f.source());
        assertEquals(250.5, f.find("tiny", "training", 32, 128).orElseThrow().sequencesPerSecond());
        assertFalse(f.find("tiny", "training", 16, 128).isPresent(), "another batch size is another row");
    }

    @Test
    void withoutTheScriptTheRecordedFiguresStandInAndSaySo() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PyTorchSide.Figures f = PyTorchSide.obtain(options(PyTorchSide.Mode.AUTO), dir.resolve("missing.py"), "python3",
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertSame(PyTorchSide.REFERENCE, f);
        assertFalse(f.sameRun());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("missing.py not found"), log.toString(StandardCharsets.UTF_8));
        assertEquals(281, f.find("tiny", "training", 32, 128).orElseThrow().sequencesPerSecond());
    }

    @Test
    void aPythonThatFailsFallsBackToTheRecordedFigures() throws Exception {
        Path script = Files.writeString(dir.resolve("bench.py"), "import sys\nsys.stderr.write('no torch here')\nsys.exit(3)\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PyTorchSide.Figures f = PyTorchSide.obtain(options(PyTorchSide.Mode.AUTO), script, "no-such-python-command",
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertSame(PyTorchSide.REFERENCE, f);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("PyTorch side unavailable"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void offShowsNoColumn() {
        PyTorchSide.Figures f = PyTorchSide.obtain(options(PyTorchSide.Mode.OFF), dir.resolve("x.py"), "python3", System.out);
        assertTrue(f.rows().isEmpty());
    }
}

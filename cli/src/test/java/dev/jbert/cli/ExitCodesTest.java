package dev.jbert.cli;

import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The documented exit codes: 0 success, 1 bad input, 2 bad usage. */
class ExitCodesTest {

    @TempDir
    Path dir;

    @Test
    void successIsZero() {
        assertEquals(0, Main.run("train", "--help"));
        assertEquals(0, Main.run("--version"));
    }

    @Test
    void badInputIsOne() {
        assertEquals(1, Main.run("predict", "--model", dir.resolve("no-model").toString(), "--input", dir.resolve("none.tsv").toString()));
        assertEquals(1, Main.run("eval", "--model", dir.toString(), "--data", dir.resolve("none.tsv").toString()));
    }

    @Test
    void badUsageIsTwo() {
        assertEquals(2, Main.run("train", "--no-such-option"));
        assertEquals(2, Main.run("predict", "--input", "x.tsv"), "a required option is missing");
        assertEquals(2, Main.run("train", "--train", "x.tsv", "--num-train-epochs", "three"), "a malformed value");
        String train = Fixtures.repositoryRoot().resolve("samples/sst2/train.tsv").toString();
        assertEquals(2, Main.run("train", "--train", train, "--head", "cnn", "--output", dir.resolve("o").toString()), "outside the choices");
        assertEquals(2, Main.run("frobnicate"));
    }
}

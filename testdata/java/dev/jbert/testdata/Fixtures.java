package dev.jbert.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.json.JsonArrays;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hugging Face fixtures, copied from shared/fixtures into the repository's {@code testdata/}
 * (shared by every module's tests), and JSON helpers.
 */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The repository root: Maven runs each module's tests from the module's folder. */
    public static Path repositoryRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** A fixture model folder: base, seq-cls, multi-label, token-cls or pair-regression. */
    public static Path folder(String name) {
        Path dir = repositoryRoot().resolve("testdata/fixtures").resolve(name);
        if (!Files.isDirectory(dir)) throw new IllegalStateException("fixture folder " + dir + " is missing");
        return dir;
    }

    /** The number of labels of a fixture model folder, from its {@code config.json}'s {@code id2label}. */
    public static int numLabels(String name) {
        return json(folder(name).resolve("config.json")).get("id2label").size();
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[][] ints(JsonNode rows, String field) {
        return JsonArrays.field(rows, field);
    }

    /** A JSON array of integers. */
    public static int[] ints(JsonNode array) {
        return JsonArrays.ints(array);
    }

    /** A nested JSON array of numbers, flattened in row-major order. */
    public static double[] flatten(JsonNode node) {
        return JsonArrays.flatten(node);
    }

    /** Largest absolute difference, failing first if the element counts differ. */
    public static double maxAbsDiff(double[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("expected " + expected.length + " values, got " + actual.length);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - actual[i]));
        return max;
    }
}

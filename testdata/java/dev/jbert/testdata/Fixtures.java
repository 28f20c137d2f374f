package dev.jbert.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.json.JsonArrays;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        return config(name).get("id2label").size();
    }

    /** The label names of a fixture model folder in id order, from its {@code config.json}'s {@code id2label}. */
    public static List<String> labels(String name) {
        JsonNode id2label = config(name).get("id2label");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < id2label.size(); i++) labels.add(id2label.get(String.valueOf(i)).asText());
        return labels;
    }

    /**
     * The most tokens a BERT fixture folder takes, special tokens included: its tokenizer's {@code model_max_length}
     * (transformers truncates to it), capped by the rows of the position table ({@code max_position_embeddings}).
     */
    public static int maxLength(String name) {
        double tokenizerLimit = json(folder(name).resolve("tokenizer_config.json")).path("model_max_length").asDouble(Double.MAX_VALUE);
        return (int) Math.min(tokenizerLimit, config(name).get("max_position_embeddings").asInt());
    }

    /** The length transformers padded (and truncated) a fixture's reference inputs to: that of their input_ids. */
    public static int paddedLength(JsonNode inputs) {
        return inputs.get(0).get("input_ids").size();
    }

    /** A fixture model folder's {@code config.json}, as transformers wrote it. */
    public static JsonNode config(String name) {
        return json(folder(name).resolve("config.json"));
    }

    /** A fixture model folder's {@code reference.json}: the inputs and what transformers computed from them. */
    public static JsonNode reference(String name) {
        return json(folder(name).resolve("reference.json"));
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

    /**
     * The tolerance of a float32 model output (hidden states, logits) against transformers' float32 reference:
     * {@code absolute} for outputs up to 1 in magnitude, and that fraction of the largest magnitude beyond. Both sides
     * round in float32, and the rounding grows with the values: at hidden 48, 3 layers and 6 heads, DistilBERT's and
     * ELECTRA's nearly one-hot attention put transformers' own outputs up to 4.2e-5 from float64 (1.05e-5 of the
     * largest value), and jbert's outputs 1.6e-5 from transformers' (3.5e-6 of the largest value), as close to
     * float64 as transformers' own. A changed formula is orders larger (LayerNorm eps 1e-12 to 1e-5: 3.1e-4; tanh
     * GELU: 2.9e-3).
     */
    public static double outputTolerance(double absolute, double[] expected) {
        double largest = 0;
        for (double v : expected) largest = Math.max(largest, Math.abs(v));
        return absolute * Math.max(1, largest);
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

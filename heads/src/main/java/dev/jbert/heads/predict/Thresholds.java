package dev.jbert.heads.predict;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multi-label decision thresholds: a label is predicted when its sigmoid probability is strictly greater
 * than its threshold (as {@code ClassifierEvaluator} counts it). Each label may have its own threshold;
 * the others use the default. Every threshold lies strictly between 0 and 1.
 *
 * <p>Saved beside a model as {@value #FILE_NAME}, a JSON object from label name to threshold:
 * <pre>{"anger": 0.35, "joy": 0.5}</pre>
 * The default is not part of the file; {@link #read(Path)} uses 0.5.
 *
 * @param defaultThreshold the threshold of labels not in {@code byLabel}
 * @param byLabel          per-label thresholds, in the order given
 */
public record Thresholds(double defaultThreshold, Map<String, Double> byLabel) {

    /** The file name of per-class thresholds saved with a model. */
    public static final String FILE_NAME = "thresholds.json";

    /** The usual multi-label default. */
    public static final double DEFAULT = 0.5;

    // Duplicate keys would otherwise silently keep the last value.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Checks the thresholds and copies {@code byLabel}.
     *
     * @param defaultThreshold the threshold of labels not in {@code byLabel}
     * @param byLabel          per-label thresholds
     * @throws IllegalArgumentException when {@code byLabel} is null or holds a null key or value, or a threshold is
     *                                  not strictly between 0 and 1
     */
    public Thresholds {
        check(defaultThreshold, "the default threshold");
        if (byLabel == null) throw new IllegalArgumentException("byLabel must not be null");
        for (Map.Entry<String, Double> e : byLabel.entrySet()) {
            if (e.getKey() == null) throw new IllegalArgumentException("a threshold's label must not be null");
            if (e.getValue() == null) throw new IllegalArgumentException("the threshold of '" + e.getKey() + "' is null");
            check(e.getValue(), "the threshold of '" + e.getKey() + "'");
        }
        byLabel = Collections.unmodifiableMap(new LinkedHashMap<>(byLabel));
    }

    /**
     * One threshold for every label.
     *
     * @param threshold the threshold, in (0, 1)
     * @return thresholds with no per-label entry
     */
    public static Thresholds global(double threshold) {
        return new Thresholds(threshold, Map.of());
    }

    /**
     * Per-label thresholds with the default 0.5 for any other label.
     *
     * @param byLabel thresholds by label name, each in (0, 1)
     * @return the thresholds
     */
    public static Thresholds of(Map<String, Double> byLabel) {
        return new Thresholds(DEFAULT, byLabel);
    }

    /**
     * The threshold {@code label} is compared against.
     *
     * @param label a label name
     * @return its own threshold, or the default when it has none
     */
    public double forLabel(String label) {
        Double t = byLabel.get(label);
        return t == null ? defaultThreshold : t;
    }

    /**
     * These per-label thresholds with another default.
     *
     * @param threshold the new default, in (0, 1)
     * @return a copy with that default
     */
    public Thresholds withDefault(double threshold) {
        return new Thresholds(threshold, byLabel);
    }

    /**
     * Checks that every per-label threshold names one of {@code labels}.
     *
     * @param labels the model's label names
     * @return these thresholds
     * @throws IllegalArgumentException listing the unknown names and the known ones
     */
    public Thresholds requireLabels(Collection<String> labels) {
        List<String> unknown = byLabel.keySet().stream().filter(l -> !labels.contains(l)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("thresholds given for unknown labels " + unknown + "; the labels are " + labels);
        }
        return this;
    }

    /**
     * Reads a {@value #FILE_NAME} file; labels it does not name use 0.5.
     *
     * @param file the thresholds file
     * @return the thresholds it holds
     * @throws ModelFileException as {@link #read(Path, double)}
     */
    public static Thresholds read(Path file) {
        return read(file, DEFAULT);
    }

    /**
     * Reads a {@value #FILE_NAME} file: a JSON object from label name to a number strictly between 0 and 1.
     *
     * @param file             the thresholds file
     * @param defaultThreshold the threshold of labels the file does not name
     * @return the thresholds the file holds, with that default
     * @throws ModelFileException naming the file, if it is missing, not JSON, not such an object, or holds a
     *                            value that is not a number in (0, 1)
     */
    public static Thresholds read(Path file, double defaultThreshold) {
        if (file == null) throw new IllegalArgumentException("file must not be null");
        check(defaultThreshold, "the default threshold");
        String expected = "expected a JSON object from label name to a threshold strictly between 0 and 1, "
                + "such as {\"label\": 0.5}";
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "thresholds file not found; " + expected);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "not valid JSON (" + e.getOriginalMessage() + "); " + expected, e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read the thresholds: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, "found " + describe(root) + "; " + expected);
        }
        Map<String, Double> byLabel = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            if (!value.isNumber()) {
                throw new ModelFileException(file, "the threshold of '" + entry.getKey() + "' is " + describe(value)
                        + "; " + expected);
            }
            double t = value.doubleValue();
            if (!(t > 0 && t < 1)) {
                throw new ModelFileException(file, "the threshold of '" + entry.getKey() + "' is " + value
                        + "; it must be strictly between 0 and 1");
            }
            byLabel.put(entry.getKey(), t);
        }
        return new Thresholds(defaultThreshold, byLabel);
    }

    /**
     * Writes the per-label thresholds as a {@value #FILE_NAME} file (the default is not written), replacing
     * the file if it exists.
     *
     * @param file the file to write
     * @throws ModelFileException naming the file, if it cannot be written
     */
    public void write(Path file) {
        if (file == null) throw new IllegalArgumentException("file must not be null");
        ObjectNode root = JSON.createObjectNode();
        byLabel.forEach(root::put);
        try {
            Files.writeString(file, JSON.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot write the thresholds: " + e, e);
        }
    }

    static void check(double threshold, String what) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException(what + " must be strictly between 0 and 1, got " + threshold);
        }
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) return "an empty file";
        String text = node.toString();
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type + " (" + shown + ")";
    }
}

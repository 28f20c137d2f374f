package dev.jbert.core.imbalance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads class weights a user wrote in a JSON file, in one of two forms:
 * <ul>
 *   <li>a list with one number per class, in class-id order: {@code [0.2, 1.0, 4.5]};</li>
 *   <li>an object from label to weight, every label exactly once: {@code {"negative": 0.2, "positive": 4.5}}.
 *       A key is first looked up as a label name, then as a class id ({@code "0"}, {@code "1"}, ...).</li>
 * </ul>
 * The weights are used as written (finite, {@code >= 0}, not all 0), not normalised.
 */
public final class ClassWeightsFile {

    // Duplicate keys would otherwise silently keep the last value.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ClassWeightsFile() {
    }

    /**
     * Reads {@code file}.
     *
     * @param file       the JSON file: a list of numbers in class-id order, or an object mapping label names to numbers
     * @param labelNames the name of each class, indexed by class id (for example a model's {@code id2label})
     * @return the weights, as given
     * @throws ModelFileException naming the file and what was expected, if it is missing, not JSON, or does
     *                            not give one valid weight per class
     */
    public static ClassWeights read(Path file, List<String> labelNames) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (labelNames == null || labelNames.isEmpty()) {
            throw new IllegalArgumentException("labelNames must not be null or empty");
        }
        String expected = "expected a JSON list of " + labelNames.size()
                + " numbers or an object mapping each of the labels " + labelNames + " to a number";
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "class weights file not found; " + expected);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "not valid JSON (" + e.getOriginalMessage() + "); " + expected, e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read the class weights: " + e.getMessage(), e);
        }
        double[] weights;
        if (root != null && root.isArray()) {
            weights = fromList(file, root, labelNames.size(), expected);
        } else if (root != null && root.isObject()) {
            weights = fromObject(file, root, labelNames, expected);
        } else {
            throw new ModelFileException(file, "found " + describe(root) + "; " + expected);
        }
        try {
            return ClassWeights.of(weights);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, e.getMessage());
        }
    }

    private static double[] fromList(Path file, JsonNode list, int numLabels, String expected) {
        if (list.size() != numLabels) {
            throw new ModelFileException(file, "the list has " + list.size() + " weights but the model has "
                    + numLabels + " labels; " + expected);
        }
        double[] weights = new double[numLabels];
        for (int c = 0; c < numLabels; c++) {
            weights[c] = number(file, list.get(c), "element " + c);
        }
        return weights;
    }

    private static double[] fromObject(Path file, JsonNode object, List<String> labelNames, String expected) {
        double[] weights = new double[labelNames.size()];
        String[] givenAs = new String[labelNames.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            int c = classOf(key, labelNames);
            if (c < 0) {
                throw new ModelFileException(file, "unknown label '" + key + "'; " + expected);
            }
            if (givenAs[c] != null) {
                throw new ModelFileException(file, "class " + c + " (" + labelNames.get(c) + ") is given twice, as '"
                        + givenAs[c] + "' and as '" + key + "'");
            }
            givenAs[c] = key;
            weights[c] = number(file, entry.getValue(), "the weight of '" + key + "'");
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < givenAs.length; c++) {
            if (givenAs[c] == null) {
                missing.add(labelNames.get(c));
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelFileException(file, "no weight for the labels " + missing + "; " + expected);
        }
        return weights;
    }

    private static int classOf(String key, List<String> labelNames) {
        int byName = labelNames.indexOf(key);
        if (byName >= 0) {
            return byName;
        }
        if (!key.isEmpty() && key.chars().allMatch(ch -> ch >= '0' && ch <= '9') && key.length() < 10) {
            int id = Integer.parseInt(key);
            return id < labelNames.size() ? id : -1;
        }
        return -1;
    }

    private static double number(Path file, JsonNode node, String what) {
        if (!node.isNumber()) {
            throw new ModelFileException(file, what + " is " + describe(node) + "; expected a number");
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value < 0) {
            throw new ModelFileException(file, what + " is " + node + "; expected a finite number >= 0");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "an empty file";
        }
        String text = node.toString();
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " (" + shown + ")";
    }
}

package dev.jbert.bench.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of a recipe (or of one of its variants) reached.
 *
 * @param recipe   the recipe's name
 * @param variant  the variant's name, or null for the recipe as written
 * @param command  the {@code jbert train} arguments it ran with
 * @param metrics  the recipe's metrics by key; a metric the reports did not hold is absent
 * @param seconds  wall time of the training command, start to saved model and validation report
 * @param testSeconds wall time of the test file's evaluation, 0 when the recipe has none
 * @param finished when it ended (ISO-8601)
 * @param machine  the machine and native build it ran on
 */
public record RecipeResult(String recipe, String variant, List<String> command, Map<String, Double> metrics,
                           double seconds, double testSeconds, String finished, String machine) {

    /** The prefix of metric keys read from the test file's report. */
    public static final String TEST = "test/";

    public RecipeResult {
        command = List.copyOf(command);
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** Whether this is the run of {@code recipe}'s {@code variant} (null: the recipe as written). */
    public boolean isRunOf(String recipe, String variant) {
        return this.recipe.equals(recipe) && java.util.Objects.equals(this.variant, variant);
    }

    /**
     * The recipe's metrics read from the report.json files that {@code jbert train} (validation) and
     * {@code jbert eval} (test, may be null) wrote.
     *
     * @throws ModelFileException naming the report, when a metric the recipe asks for is not in it
     */
    public static Map<String, Double> metricsFrom(Recipe recipe, JsonNode validation, Path validationFile,
                                                  JsonNode test, Path testFile) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Recipe.Metric m : recipe.metrics()) {
            boolean fromTest = m.key().startsWith(TEST);
            JsonNode report = fromTest ? test : validation;
            Path file = fromTest ? testFile : validationFile;
            if (report == null) {
                throw new IllegalArgumentException("recipe " + recipe.name() + " asks for " + m.key() + " but has no test file");
            }
            String key = fromTest ? m.key().substring(TEST.length()) : m.key();
            out.put(m.key(), value(report, key, file));
        }
        return out;
    }

    private static double value(JsonNode report, String key, Path file) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            JsonNode v = report.path("metrics").get(key);
            if (v == null || !v.isNumber()) {
                throw new ModelFileException(file, "has no metric '" + key + "' (it has " + names(report.path("metrics")) + ")");
            }
            return v.asDouble();
        }
        String label = key.substring(0, colon), field = key.substring(colon + 1);
        for (JsonNode row : report.path("per_class")) {
            if (label.equals(row.path("name").asText())) {
                JsonNode v = row.get(field);
                if (v == null || !v.isNumber()) throw new ModelFileException(file, "has no '" + field + "' for class '" + label + "'");
                return v.asDouble();
            }
        }
        throw new ModelFileException(file, "has no class '" + label + "' in its per-class table");
    }

    private static List<String> names(JsonNode metrics) {
        List<String> names = new java.util.ArrayList<>();
        metrics.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

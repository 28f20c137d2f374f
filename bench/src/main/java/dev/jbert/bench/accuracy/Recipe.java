package dev.jbert.bench.accuracy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One task of the accuracy suite: its data, model and every flag of the {@code jbert train} command, the metrics
 * to report, Hugging Face Trainer's figures on the same recipe, and variants that change a few flags (imbalance
 * tools, say). Read from one JSON file in the recipes folder; the file's name, less {@code .json}, names it.
 *
 * <p>Paths and flags may say {@code ${data}} (the data folder the suite is given with {@code --data}) and {@code ${recipes}} (the recipes folder, for splits kept beside the recipes).
 *
 * @param name        the file's name without {@code .json}
 * @param task        what the task is called in the report, e.g. "SST-2"
 * @param description one line: the data and the problem
 * @param train       training file
 * @param validation  file that {@code train} evaluates on at the end; its metrics are the recipe's figures
 * @param test        optional file evaluated afterwards with {@code jbert eval}, null when there is none
 * @param model       a model folder, or null for the built-in all-MiniLM-L6-v2
 * @param flags       every other flag of {@code jbert train}, in order
 * @param metrics     the metrics reported, the first one deciding the comparison with Trainer
 * @param trainer     Trainer's figures on the same recipe, null where none are recorded
 * @param variants    runs with flags added to (or, by name, replacing) the recipe's, reported in a table of their own
 * @param notes       paragraphs for the report: what the figures mean, what was found
 */
public record Recipe(String name, String task, String description, String train, String validation, String test,
                     String model, List<String> flags, List<Metric> metrics, TrainerFigures trainer, List<Variant> variants,
                     List<String> notes) {

    /**
     * A figure to report.
     *
     * @param key   a key of the validation report's {@code metrics}, or {@code label:field} for one class of its
     *              per-class table ({@code spam:recall}); either prefixed {@code test/} for the test file's report
     * @param label its column heading
     * @param noise how far below Trainer's figure still counts as level with it (0.005: half a point of accuracy)
     */
    public record Metric(String key, String label, double noise) {
    }

    /**
     * Trainer's figures.
     *
     * @param metrics by metric key
     * @param seconds the wall time of its run
     * @param source  where and how they were measured
     */
    public record TrainerFigures(Map<String, Double> metrics, Double seconds, String source) {
    }

    /**
     * A run of the recipe with other flags.
     *
     * @param name     its row heading, e.g. "focal loss, γ 2"
     * @param flags    flags added after the recipe's; a flag the recipe already has is replaced with its value here
     * @param note     why it is there, shown under the table
     * @param evaluate true for a variant that trains nothing (absent: false): the model the recipe as written trained is evaluated on
     *                 the validation file with {@code jbert eval} and these flags (int8 inference, say)
     */
    public record Variant(String name, List<String> flags, String note, Boolean evaluate) {

        public Variant {
            evaluate = evaluate != null && evaluate;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public Recipe {
        flags = flags == null ? List.of() : List.copyOf(flags);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        variants = variants == null ? List.of() : List.copyOf(variants);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** Every recipe in {@code folder} ({@code *.json} but the report's own {@value AccuracyReport#JSON_FILE}), sorted by name. */
    public static List<Recipe> readAll(Path folder) {
        if (!Files.isDirectory(folder)) throw new ModelFileException(folder, "is not a folder of recipes (expected *.json files)");
        try (Stream<Path> files = Files.list(folder)) {
            List<Recipe> recipes = new ArrayList<>();
            for (Path f : files.filter(Recipe::isRecipeFile).sorted().toList()) recipes.add(read(f));
            if (recipes.isEmpty()) throw new ModelFileException(folder, "holds no recipe (expected *.json files)");
            return recipes;
        } catch (IOException e) {
            throw new ModelFileException(folder, "cannot be listed: " + e.getMessage(), e);
        }
    }

    private static boolean isRecipeFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".json") && !name.equals(AccuracyReport.JSON_FILE) && Files.isRegularFile(p);
    }

    /** One recipe file, checked: a clear error naming the file and the field for anything missing or unknown. */
    public static Recipe read(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        Recipe parsed;
        try {
            parsed = JSON.readValue(file.toFile(), Recipe.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ModelFileException(file, "has an unknown field '" + e.getPropertyName() + "' (expected "
                    + e.getKnownPropertyIds() + ")", e);
        } catch (MismatchedInputException e) {
            throw new ModelFileException(file, "is not a recipe at " + e.getPathReference() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read as a recipe: " + e.getMessage(), e);
        }
        if (parsed == null) throw new ModelFileException(file, "is empty (expected a JSON object)");
        Recipe r = new Recipe(name, parsed.task, parsed.description, parsed.train, parsed.validation, parsed.test, parsed.model,
                parsed.flags, parsed.metrics, parsed.trainer, parsed.variants, parsed.notes);
        r.check(file);
        return r;
    }

    private void check(Path file) {
        require(file, task, "task");
        require(file, train, "train");
        require(file, validation, "validation");
        if (metrics.isEmpty()) throw new ModelFileException(file, "names no metrics (expected \"metrics\": [{\"key\": \"accuracy\", ...}])");
        for (Metric m : metrics) {
            if (m == null || m.key() == null || m.key().isBlank()) throw new ModelFileException(file, "has a metric without a key");
            if (!(m.noise() >= 0)) throw new ModelFileException(file, "metric '" + m.key() + "' has a negative noise " + m.noise());
        }
        for (String f : flags) {
            if (f == null) throw new ModelFileException(file, "has a null flag");
            if (List.of("--train", "--validation", "--output", "--model").contains(f)) {
                throw new ModelFileException(file, "sets " + f + " among its flags; it belongs in the recipe's own field");
            }
        }
        List<String> seen = new ArrayList<>();
        for (Variant v : variants) {
            if (v == null || v.name() == null || v.name().isBlank()) throw new ModelFileException(file, "has a variant without a name");
            if (seen.contains(v.name())) throw new ModelFileException(file, "has two variants named '" + v.name() + "'");
            seen.add(v.name());
            if (v.flags() == null || v.flags().isEmpty()) throw new ModelFileException(file, "variant '" + v.name() + "' changes no flag");
        }
    }

    private static void require(Path file, String value, String field) {
        if (value == null || value.isBlank()) throw new ModelFileException(file, "has no \"" + field + "\"");
    }

    /** The primary metric: the one compared with Trainer. */
    public Metric primary() {
        return metrics.get(0);
    }

    /**
     * The recipe's flags with a variant's applied: a flag the variant sets replaces the recipe's value (with the
     * value, if it takes one), any other is appended.
     */
    public List<String> flagsFor(Variant variant) {
        List<String> out = new ArrayList<>(flags);
        if (variant == null) return out;
        List<String> extra = variant.flags();
        for (int i = 0; i < extra.size(); i++) {
            String flag = extra.get(i);
            boolean hasValue = i + 1 < extra.size() && !extra.get(i + 1).startsWith("--");
            int at = out.indexOf(flag);
            if (at < 0) {
                out.add(flag);
                if (hasValue) out.add(extra.get(i + 1));
            } else if (hasValue) {
                boolean recipeHasValue = at + 1 < out.size() && !out.get(at + 1).startsWith("--");
                if (recipeHasValue) out.set(at + 1, extra.get(i + 1));
                else out.add(at + 1, extra.get(i + 1));
            }
            if (hasValue) i++;
        }
        return out;
    }

    /** {@code ${data}} and {@code ${recipes}} replaced. */
    public static String resolve(String value, Path data, Path recipes) {
        return value.replace("${data}", data.toString()).replace("${recipes}", recipes.toString());
    }
}

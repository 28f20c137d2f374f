package dev.jbert.bench.accuracy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code accuracy.json} (every run's figures, the record runs are merged into) and {@code ACCURACY.md} (rebuilt from
 * it and the recipes each time, so that rerunning one task updates its rows and keeps the others).
 */
public final class AccuracyReport {

    public static final String JSON_FILE = "accuracy.json";
    public static final String MARKDOWN_FILE = "ACCURACY.md";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path folder;
    private final List<RecipeResult> results;

    private AccuracyReport(Path folder, List<RecipeResult> results) {
        this.folder = folder;
        this.results = new ArrayList<>(results);
    }

    /** The report in {@code folder}, with the runs its {@value #JSON_FILE} holds (none if there is no such file). */
    public static AccuracyReport open(Path folder) {
        Path file = folder.resolve(JSON_FILE);
        if (!Files.isRegularFile(file)) return new AccuracyReport(folder, List.of());
        try {
            return new AccuracyReport(folder, JSON.readValue(file.toFile(), new TypeReference<List<RecipeResult>>() { }));
        } catch (IOException e) {
            throw new ModelFileException(file, "is not a list of accuracy results (" + e.getMessage()
                    + "); move it away to start a new record", e);
        }
    }

    public List<RecipeResult> results() {
        return List.copyOf(results);
    }

    /** The latest run of a recipe's variant (null: the recipe as written). */
    public Optional<RecipeResult> result(String recipe, String variant) {
        return results.stream().filter(r -> r.isRunOf(recipe, variant)).reduce((a, b) -> b);
    }

    /** Adds a run, replacing an earlier run of the same recipe and variant, and writes both files at once. */
    public void record(RecipeResult result, List<Recipe> recipes) {
        results.removeIf(r -> r.isRunOf(result.recipe(), result.variant()));
        results.add(result);
        write(recipes);
    }

    /** Writes both files (each through a temporary file, so an interrupted write leaves the old one). */
    public void write(List<Recipe> recipes) {
        try {
            Files.createDirectories(folder);
            atomically(folder.resolve(JSON_FILE), JSON.writeValueAsString(results) + "\n");
            atomically(folder.resolve(MARKDOWN_FILE), markdown(recipes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the accuracy report in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void atomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The whole Markdown report: a summary row per recipe, then a section per recipe with its variants. */
    public String markdown(List<Recipe> recipes) {
        StringBuilder md = new StringBuilder();
        md.append("# Accuracy on real data beside Hugging Face Trainer\n\n")
                .append("Written by `./jbert bench accuracy` from the recipes in `bench/accuracy/*.json` (one per task: data, model, every\n")
                .append("flag of `jbert train`) and the runs recorded in `").append(JSON_FILE).append("`. Rerun one task with\n")
                .append("`./jbert bench accuracy NAME --data DATA`, all of them without a name; `--data` names the datasets'\n")
                .append("folder. Metrics are on the validation file unless marked *test*. Trainer's figures are\n")
                .append("the ones each recipe records, with their source. \"Level\" means at most the recipe's noise below Trainer\n")
                .append("(half a point of accuracy or F1, 0.005 of correlation).\n\n");
        md.append("## Summary\n\n")
                .append("| task | data | jbert | Trainer | jbert − Trainer | verdict | jbert wall s | Trainer wall s |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Recipe r : recipes) {
            Optional<RecipeResult> run = result(r.name(), null);
            String ours = run.map(x -> figures(r, x.metrics())).orElse("not run yet");
            String theirs = r.trainer() == null ? "not recorded" : figures(r, r.trainer().metrics());
            md.append("| ").append(r.task()).append(" | ").append(nullToEmpty(r.description())).append(" | ").append(ours)
                    .append(" | ").append(theirs).append(" | ").append(run.map(x -> differences(r, x)).orElse(""))
                    .append(" | ").append(run.map(x -> verdict(r, x)).orElse("")).append(" | ")
                    .append(run.map(x -> seconds(x.seconds() + x.testSeconds())).orElse("")).append(" | ")
                    .append(r.trainer() == null || r.trainer().seconds() == null ? "" : seconds(r.trainer().seconds())).append(" |\n");
        }
        for (Recipe r : recipes) section(md, r);
        return md.toString();
    }

    private void section(StringBuilder md, Recipe r) {
        md.append("\n## ").append(r.task()).append("\n\n");
        if (r.description() != null) md.append(r.description()).append(". ");
        md.append("Recipe `bench/accuracy/").append(r.name()).append(".json`:\n\n```\n")
                .append(commandLine(r, r.flags())).append("\n```\n\n");
        md.append("| run |");
        r.metrics().forEach(m -> md.append(' ').append(heading(m)).append(" |"));
        md.append(" wall s |\n|---|");
        r.metrics().forEach(m -> md.append("---|"));
        md.append("---|\n");
        if (r.trainer() != null) {
            md.append("| Hugging Face Trainer |");
            r.metrics().forEach(m -> md.append(' ').append(format(r.trainer().metrics().get(m.key()))).append(" |"));
            md.append(' ').append(r.trainer().seconds() == null ? "" : seconds(r.trainer().seconds())).append(" |\n");
        }
        row(md, r, "jbert, the recipe", result(r.name(), null));
        for (Recipe.Variant v : r.variants()) row(md, r, "jbert, " + v.name(), result(r.name(), v.name()));
        md.append('\n');
        if (r.trainer() != null && r.trainer().source() != null) md.append("Trainer: ").append(r.trainer().source()).append("\n\n");
        if (!r.variants().isEmpty()) {
            md.append("Variants (flags added to the recipe's, or replacing them):\n\n");
            for (Recipe.Variant v : r.variants()) {
                md.append("- **").append(v.name()).append("**: `").append(String.join(" ", v.flags())).append('`');
                if (v.note() != null) md.append(". ").append(v.note());
                md.append('\n');
            }
            md.append('\n');
        }
        result(r.name(), null).ifPresent(x -> md.append("Ran on: ").append(x.machine()).append(", finished ").append(x.finished()).append(".\n\n"));
        for (String note : r.notes()) md.append(note).append("\n\n");
    }

    private static void row(StringBuilder md, Recipe r, String name, Optional<RecipeResult> run) {
        md.append("| ").append(name).append(" |");
        for (Recipe.Metric m : r.metrics()) md.append(' ').append(run.map(x -> format(x.metrics().get(m.key()))).orElse("")).append(" |");
        md.append(' ').append(run.map(x -> seconds(x.seconds() + x.testSeconds())).orElse("not run yet")).append(" |\n");
    }

    /** The command a recipe runs, as a user would type it, with {@code ${data}} left for the data folder. */
    public static String commandLine(Recipe r, List<String> flags) {
        StringBuilder s = new StringBuilder("./jbert train");
        if (r.model() != null) s.append(" --model ").append(r.model());
        s.append(" --train ").append(r.train()).append(" --validation ").append(r.validation()).append(" --output runs/accuracy/")
                .append(r.name());
        for (String f : flags) s.append(f.startsWith("--") ? " \\\n    " : " ").append(f);
        return s.toString();
    }

    private static String figures(Recipe r, Map<String, Double> metrics) {
        return r.metrics().stream().filter(m -> metrics.get(m.key()) != null)
                .map(m -> heading(m) + " " + format(metrics.get(m.key()))).collect(Collectors.joining(", "));
    }

    private static String differences(Recipe r, RecipeResult run) {
        if (r.trainer() == null) return "";
        return r.metrics().stream()
                .filter(m -> r.trainer().metrics().get(m.key()) != null && run.metrics().get(m.key()) != null)
                .map(m -> String.format(Locale.ROOT, "%+.4f", run.metrics().get(m.key()) - r.trainer().metrics().get(m.key())))
                .collect(Collectors.joining(", "));
    }

    /** Level or above on every metric Trainer has a figure for, or which ones are below by more than the noise. */
    static String verdict(Recipe r, RecipeResult run) {
        if (r.trainer() == null) return "no Trainer figure";
        List<String> below = new ArrayList<>();
        boolean compared = false;
        for (Recipe.Metric m : r.metrics()) {
            Double theirs = r.trainer().metrics().get(m.key()), ours = run.metrics().get(m.key());
            if (theirs == null || ours == null) continue;
            compared = true;
            // the figures are decimals: 0.895 must count as level with 0.900 at a noise of 0.005
            if (ours < theirs - m.noise() - 1e-9) below.add(heading(m));
        }
        if (!compared) return "no common metric";
        return below.isEmpty() ? "level or above" : "below on " + String.join(", ", below);
    }

    private static String heading(Recipe.Metric m) {
        return m.label() != null ? m.label() : m.key();
    }

    private static String format(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%,.0f", s);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

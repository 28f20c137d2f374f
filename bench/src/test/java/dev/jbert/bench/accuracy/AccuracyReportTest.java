package dev.jbert.bench.accuracy;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccuracyReportTest {

    @TempDir
    Path dir;

    private static Recipe recipe(String name, Map<String, Double> trainer) {
        return new Recipe(name, name.toUpperCase(), "a task", "train.tsv", "dev.tsv", null, null, List.of("--seed", "42"),
                List.of(new Recipe.Metric("accuracy", "accuracy", 0.005), new Recipe.Metric("f1_macro", "macro F1", 0.005)),
                new Recipe.TrainerFigures(trainer, 100.0, "measured here"),
                List.of(new Recipe.Variant("focal", List.of("--loss", "focal"), "softmax focal", false)), List.of("A note."));
    }

    private static RecipeResult run(String recipe, String variant, double accuracy, double f1) {
        return new RecipeResult(recipe, variant, List.of("train"), Map.of("accuracy", accuracy, "f1_macro", f1), 50, 0,
                "2026-12-02T00:00:00Z", "a machine");
    }

    @Test
    void runsAreMergedAndTheReportRebuiltFromThem() {
        List<Recipe> recipes = List.of(recipe("a", Map.of("accuracy", 0.90, "f1_macro", 0.89)), recipe("b", Map.of("accuracy", 0.8)));
        AccuracyReport report = AccuracyReport.open(dir);
        report.record(run("a", null, 0.80, 0.80), recipes);
        report.record(run("a", null, 0.897, 0.90), recipes);
        report.record(run("a", "focal", 0.91, 0.91), recipes);

        AccuracyReport reread = AccuracyReport.open(dir);
        assertEquals(2, reread.results().size(), "a rerun replaces the earlier run of the same recipe and variant");
        assertEquals(0.897, reread.result("a", null).orElseThrow().metrics().get("accuracy"));
        String md = reread.markdown(recipes);
        assertTrue(md.contains("| A | a task | accuracy 0.8970, macro F1 0.9000 | accuracy 0.9000, macro F1 0.8900 | -0.0030, +0.0100 | level or above | 50 | 100 |"), md);
        assertTrue(md.contains("| B | a task | not run yet |"), md);
        assertTrue(md.contains("| jbert, focal | 0.9100 | 0.9100 | 50 |"), md);
        assertTrue(md.contains("- **focal**: `--loss focal`. softmax focal") && md.contains("A note."), md);
        assertTrue(Files.isRegularFile(dir.resolve(AccuracyReport.MARKDOWN_FILE)));
    }

    @Test
    void aFigureBelowTrainersByMoreThanTheNoiseIsCalledSo() {
        Recipe r = recipe("a", Map.of("accuracy", 0.90, "f1_macro", 0.89));
        assertEquals("below on accuracy", AccuracyReport.verdict(r, run("a", null, 0.894, 0.89)));
        assertEquals("level or above", AccuracyReport.verdict(r, run("a", null, 0.895, 0.885)));
        Recipe none = new Recipe("n", "N", null, "t", "v", null, null, List.of(), r.metrics(), null, List.of(), List.of());
        assertEquals("no Trainer figure", AccuracyReport.verdict(none, run("n", null, 0.9, 0.9)));
    }

    @Test
    void aDamagedRecordIsAClearError() throws IOException {
        Files.writeString(dir.resolve(AccuracyReport.JSON_FILE), "{\"not\": \"a list\"}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> AccuracyReport.open(dir));
        assertTrue(e.getMessage().contains(AccuracyReport.JSON_FILE) && e.getMessage().contains("move it away"), e.getMessage());
    }
}

package dev.jbert.bench.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The suite's own recipes, as shipped: each reads, names its metrics, and keeps its files out of its flags. */
    @Test
    void everyShippedRecipeReads() {
        List<Recipe> recipes = Recipe.readAll(Path.of("accuracy"));
        assertEquals(List.of("conll2003", "goemotions", "rte", "sms_spam", "sst2", "stsb"), recipes.stream().map(Recipe::name).toList());
        for (Recipe r : recipes) {
            assertFalse(r.metrics().isEmpty(), r.name());
            assertTrue(r.trainer() != null && r.trainer().metrics().containsKey(r.primary().key()), r.name() + " has Trainer's primary figure");
            assertTrue(r.flags().contains("--seed"), r.name() + " states every flag");
        }
    }

    @Test
    void aVariantReplacesTheRecipesValueOrAddsItsFlag() throws IOException {
        Recipe r = Recipe.read(write("r.json", """
                {"task": "T", "train": "a", "validation": "b", "metrics": [{"key": "accuracy", "noise": 0.005}],
                 "flags": ["--learning-rate", "5e-5", "--group-by-length", "--seed", "42"],
                 "variants": [{"name": "v", "flags": ["--learning-rate", "1e-4", "--loss", "focal", "--freeze-encoder"]}]}
                """));
        assertEquals(List.of("--learning-rate", "1e-4", "--group-by-length", "--seed", "42", "--loss", "focal", "--freeze-encoder"),
                r.flagsFor(r.variants().get(0)));
        assertEquals(r.flags(), r.flagsFor(null));
        assertEquals("r", r.name());
    }

    @Test
    void badRecipesNameTheFileAndWhatIsWrong() throws IOException {
        String ok = "\"task\": \"T\", \"train\": \"a\", \"validation\": \"b\"";
        String metric = "\"metrics\": [{\"key\": \"accuracy\", \"noise\": 0.005}]";
        assertBad("{" + ok + ", " + metric + ", \"epochs\": 3}", "unknown field 'epochs'");
        assertBad("{\"task\": \"T\", \"validation\": \"b\", " + metric + "}", "has no \"train\"");
        assertBad("{" + ok + "}", "names no metrics");
        assertBad("{" + ok + ", " + metric + ", \"flags\": [\"--output\", \"x\"]}", "sets --output among its flags");
        assertBad("{" + ok + ", " + metric + ", \"variants\": [{\"name\": \"v\", \"flags\": [\"--seed\", \"1\"]}, "
                + "{\"name\": \"v\", \"flags\": [\"--seed\", \"2\"]}]}", "two variants named 'v'");
        assertBad("{" + ok + ", " + metric + ", \"variants\": [{\"name\": \"v\", \"flags\": []}]}", "changes no flag");
        assertBad("{" + ok + ", \"metrics\": [{\"key\": \"accuracy\", \"noise\": -1}]}", "negative noise");
        assertBad("[1, 2]", "is not a recipe");
        assertBad("{" + ok, "cannot be read as a recipe");
        ModelFileException empty = assertThrows(ModelFileException.class, () -> Recipe.readAll(dir));
        assertTrue(empty.getMessage().contains("holds no recipe"), empty.getMessage());
    }

    @Test
    void metricsComeFromTheValidationAndTestReports() throws IOException {
        Recipe r = Recipe.read(write("r.json", """
                {"task": "T", "train": "a", "validation": "b", "test": "c",
                 "metrics": [{"key": "f1_macro", "noise": 0.005}, {"key": "spam:recall", "noise": 0.005},
                             {"key": "test/accuracy", "noise": 0.005}]}
                """));
        JsonNode validation = JSON.readTree("""
                {"metrics": {"f1_macro": 0.9, "accuracy": 0.95},
                 "per_class": [{"name": "ham", "recall": 0.99}, {"name": "spam", "recall": 0.8}]}""");
        JsonNode test = JSON.readTree("{\"metrics\": {\"accuracy\": 0.93}, \"per_class\": []}");
        assertEquals(Map.of("f1_macro", 0.9, "spam:recall", 0.8, "test/accuracy", 0.93),
                RecipeResult.metricsFrom(r, validation, Path.of("v.json"), test, Path.of("t.json")));

        JsonNode noSpam = JSON.readTree("{\"metrics\": {\"f1_macro\": 0.9}, \"per_class\": [{\"name\": \"ham\", \"recall\": 1}]}");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> RecipeResult.metricsFrom(r, noSpam, Path.of("v.json"), test, Path.of("t.json")));
        assertTrue(e.getMessage().contains("v.json") && e.getMessage().contains("no class 'spam'"), e.getMessage());
        JsonNode noMetric = JSON.readTree("{\"metrics\": {\"accuracy\": 0.9}}");
        e = assertThrows(ModelFileException.class, () -> RecipeResult.metricsFrom(r, noMetric, Path.of("v.json"), test, Path.of("t.json")));
        assertTrue(e.getMessage().contains("no metric 'f1_macro'") && e.getMessage().contains("accuracy"), e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private void assertBad(String json, String expected) throws IOException {
        Path file = write("bad.json", json);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Recipe.read(file));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains(expected), e.getMessage());
        Files.delete(file);
    }
}

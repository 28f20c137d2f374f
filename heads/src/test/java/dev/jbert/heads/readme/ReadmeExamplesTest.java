package dev.jbert.heads.readme;

import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java examples: each block marked {@code <!-- compiled: ReadmeExamples.java NAME -->} is the region NAME
 * of {@link ReadmeExamples}, which this test runs on the bundled fixtures and samples.
 */
class ReadmeExamplesTest {

    private static final Path SOURCE = Path.of("src/test/java/dev/jbert/heads/readme/ReadmeExamples.java");
    private static final Pattern MARKED = Pattern.compile("<!-- compiled: ReadmeExamples\\.java (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void theReadmesBlocksAreTheCompiledExamples() throws IOException {
        Map<String, String> regions = regions(Files.readAllLines(SOURCE));
        Matcher m = MARKED.matcher(Files.readString(Fixtures.repositoryRoot().resolve("README.md")));
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            assertTrue(regions.containsKey(name), "README shows a region ReadmeExamples.java does not have: " + name);
            assertEquals(regions.get(name), dedent(List.of(m.group(2).split("\n"))), "README block " + name + " differs from ReadmeExamples.java");
            shown.add(name);
        }
        assertEquals(List.copyOf(regions.keySet()), shown, "every example region is in the README, in order");
    }

    @Test
    void fineTuningFromFilesTrainsEvaluatesAndSaves() throws Exception {
        Path samples = Fixtures.repositoryRoot().resolve("samples/sst2");
        var result = ReadmeExamples.fineTune(Fixtures.folder("base"), samples.resolve("train.tsv"), samples.resolve("dev.tsv"), dir.resolve("sst2"));
        assertTrue(Files.isRegularFile(result.modelDir().resolve("config.json")));
        assertTrue(result.metrics().containsKey("accuracy"), result.metrics().toString());
        assertTrue(result.bestCheckpoint().isPresent());
        assertTrue(result.steps() > 0);

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) texts.add(i % 2 == 0 ? "a wonderful, moving film " + i : "a dull and tedious mess " + i);
        List<String> labels = ReadmeExamples.classifyFromThreads(result.modelDir(), texts);
        assertEquals(texts.size(), labels.size());
        assertTrue(labels.stream().allMatch(l -> l.equals("0") || l.equals("1")), labels.toString());
        assertEquals(labels, ReadmeExamples.classifyFromThreads(result.modelDir(), texts), "the same answers however the threads interleave");
    }

    @Test
    void fineTuningFromExamplesBuiltInCode() {
        var result = ReadmeExamples.fineTuneInMemory(Fixtures.folder("base"), dir.resolve("in-memory"));
        assertTrue(Files.isRegularFile(result.modelDir().resolve("config.json")));
        assertTrue(result.metrics().isEmpty(), "no validation data, no metrics");
    }

    @Test
    void theEncoderExampleRunsAndFreesItsMemory() {
        long[] shape = ReadmeExamples.encode(Fixtures.folder("base"), List.of("hello world", "a second, longer sentence here"));
        assertEquals(2, shape[0]);
        assertEquals(Fixtures.config("base").get("hidden_size").asLong(), shape[2]);
    }

    @Test
    void theEmbeddingExampleRunsOnAClassifierAndATagger() {
        ReadmeExamples.embedding(Fixtures.folder("seq-cls"), Fixtures.folder("token-cls"), List.of("one", "two more"));
    }

    /** Each {@code // README name} ... {@code // END} region, dedented. */
    private static Map<String, String> regions(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("// README ")) {
                name = t.substring("// README ".length());
                body = new ArrayList<>();
            } else if (t.equals("// END") && name != null) {
                out.put(name, dedent(body));
                name = null;
            } else if (name != null) {
                body.add(line);
            }
        }
        assertFalse(out.isEmpty(), "no regions in " + SOURCE);
        return out;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : lines) out.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        return out.toString().strip();
    }
}

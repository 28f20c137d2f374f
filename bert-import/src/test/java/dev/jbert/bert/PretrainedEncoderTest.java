package dev.jbert.bert;

import dev.jbert.testdata.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainedEncoderTest {

    @TempDir
    Path tmp;

    /** Text to hidden states entirely through our tokenizer and encoder, within 1e-5 of transformers ({@link Fixtures#outputTolerance}). */
    @Test
    void textsToHiddenStatesMatchTransformers() {
        Path dir = Fixtures.folder("base");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        PretrainedEncoder bert = PretrainedEncoder.load(dir);
        EncodeOptions asTheReference = EncodeOptions.fixedLength(Fixtures.paddedLength(ref.get("inputs")));
        List<Encoding> batch = new ArrayList<>();
        for (JsonNode in : ref.get("inputs")) {
            JsonNode pair = in.get("text_pair");
            batch.add(pair == null || pair.isNull()
                    ? bert.tokenizer().encode(in.get("text").asText(), asTheReference)
                    : bert.tokenizer().encode(in.get("text").asText(), pair.asText(), asTheReference));
        }
        PretrainedEncoder.Output out = bert.forward(batch);
        double hidden = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("last_hidden_state")), out.lastHiddenState().data().asFloat());
        double pooled = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("pooler_output")), out.pooledOutput().orElseThrow().data().asFloat());
        assertTrue(hidden < Fixtures.outputTolerance(1e-5, Fixtures.flatten(ref.get("last_hidden_state"))), "last_hidden_state max |Δ| " + hidden);
        assertTrue(pooled < Fixtures.outputTolerance(1e-5, Fixtures.flatten(ref.get("pooler_output"))), "pooler_output max |Δ| " + pooled);
    }

    @Test
    void vocabularyLargerThanTheEmbeddingTableIsRefusedAndASmallerOneLoads() throws IOException {
        Path dir = copyOf("base");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve("vocab.txt")));
        lines.add("[EXTRA]");
        Files.write(dir.resolve("vocab.txt"), lines);
        ModelFileException e = assertThrows(ModelFileException.class, () -> PretrainedEncoder.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("vocab.txt").toString()), e.getMessage());
        String vocabSize = Fixtures.config("base").get("vocab_size").asText();
        assertTrue(e.getMessage().contains(lines.size() + " tokens") && e.getMessage().contains("vocab_size")
                && e.getMessage().contains("is only " + vocabSize), e.getMessage());
        // a table padded past the vocabulary (deberta-v3-base, ModernBERT-base) is an ordinary model
        Files.write(dir.resolve("vocab.txt"), lines.subList(0, lines.size() - 2));
        assertEquals(lines.size() - 2, PretrainedEncoder.load(dir).tokenizer().size());
    }

    @Test
    void folderWithoutConfig() throws IOException {
        Path dir = copyOf("base");
        Files.delete(dir.resolve("config.json"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> PretrainedEncoder.load(dir));
        assertTrue(e.getMessage().contains("config.json not found"), e.getMessage());
    }

    @Test
    void folderWithoutWeights() throws IOException {
        Path dir = copyOf("base");
        Files.delete(dir.resolve("model.safetensors"));
        Files.delete(dir.resolve("pytorch_model.bin"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> PretrainedEncoder.load(dir));
        assertTrue(e.getMessage().startsWith(dir.toString()) && e.getMessage().contains("no weights found"), e.getMessage());
    }

    @Test
    void batchOfUnequalLengths() {
        PretrainedEncoder bert = PretrainedEncoder.load(Fixtures.folder("base"));
        List<Encoding> batch = List.of(bert.tokenizer().encode("short"), bert.tokenizer().encode("a longer text"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bert.forward(batch));
        assertTrue(e.getMessage().contains("padding"), e.getMessage());
    }

    private Path copyOf(String fixture) throws IOException {
        Path dir = tmp.resolve(fixture);
        Files.createDirectories(dir);
        try (var files = Files.list(Fixtures.folder(fixture))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }
}

package dev.jbert.bert.model;

import dev.jbert.testdata.Fixtures;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointWeightsTest {

    @TempDir
    Path tmp;

    private static ModelFileException build(EncoderConfig config, Path weights, java.util.function.Predicate<String> leftForHeads) {
        return assertThrows(ModelFileException.class, () -> {
            try (Checkpoint c = Checkpoint.open(weights)) {
                CheckpointWeights w = new CheckpointWeights(c);
                BertModel.build(config, w, true);
                w.verify(leftForHeads);
            }
        });
    }

    @Test
    void shapeThatDisagreesWithTheConfigListsExpectedAndFound() throws IOException {
        Path dir = Fixtures.folder("base");
        String json = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\": 37", "\"intermediate_size\": 40");
        EncoderConfig config = EncoderConfig.load(Files.writeString(tmp.resolve("config.json"), json));
        ModelFileException e = build(config, dir, n -> false);
        assertTrue(e.getMessage().startsWith(dir.resolve("model.safetensors").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bert.encoder.layer.0.intermediate.dense.weight: expected [40, 32], found [37, 32]"),
                e.getMessage());
    }

    @Test
    void configWithMoreLayersThanTheCheckpointListsTheMissingTensors() throws IOException {
        Path dir = Fixtures.folder("base");
        String json = Files.readString(dir.resolve("config.json")).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        EncoderConfig config = EncoderConfig.load(Files.writeString(tmp.resolve("config.json"), json));
        ModelFileException e = build(config, dir, n -> false);
        assertTrue(e.getMessage().contains("missing tensors") && e.getMessage().contains("bert.encoder.layer.2.output.dense.weight [32, 37]"),
                e.getMessage());
    }

    @Test
    void tensorsNoModuleClaimsAreUnexpected() {
        Path dir = Fixtures.folder("seq-cls");
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        ModelFileException e = build(config, dir, n -> false);
        assertTrue(e.getMessage().contains("unexpected tensors") && e.getMessage().contains("classifier.weight [3, 32]"),
                e.getMessage());
    }
}

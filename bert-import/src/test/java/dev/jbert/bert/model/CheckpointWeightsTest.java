package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.testdata.Fixtures;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointWeightsTest {

    @TempDir
    Path tmp;

    private static ModelFileException build(EncoderConfig config, Path weights, java.util.function.Predicate<String> leftForHeads) {
        return assertThrows(ModelFileException.class, () -> {
            try (Checkpoint c = Checkpoint.open(weights)) {
                CheckpointWeights w = new CheckpointWeights(c);
                BertModel.build(config, w, PoolerChoice.IF_PRESENT);
                w.verify(leftForHeads);
            }
        });
    }

    /** The base fixture's config.json with one field changed. */
    private EncoderConfig edited(String field, int value) throws IOException {
        ObjectNode json = (ObjectNode) Fixtures.config("base");
        json.put(field, value);
        return EncoderConfig.load(Files.writeString(tmp.resolve("config.json"), json.toString()));
    }

    @Test
    void shapeThatDisagreesWithTheConfigListsExpectedAndFound() throws IOException {
        Path dir = Fixtures.folder("base");
        EncoderConfig stored = EncoderConfig.load(dir.resolve("config.json"));
        int hidden = stored.hiddenSize(), intermediate = stored.intermediateSize();
        ModelFileException e = build(edited("intermediate_size", intermediate + 3), dir, n -> false);
        assertTrue(e.getMessage().startsWith(dir.resolve("model.safetensors").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bert.encoder.layer.0.intermediate.dense.weight: expected [" + (intermediate + 3) + ", "
                + hidden + "], found [" + intermediate + ", " + hidden + "]"), e.getMessage());
    }

    @Test
    void configWithMoreLayersThanTheCheckpointListsTheMissingTensors() throws IOException {
        Path dir = Fixtures.folder("base");
        EncoderConfig stored = EncoderConfig.load(dir.resolve("config.json"));
        int layers = stored.numHiddenLayers();
        ModelFileException e = build(edited("num_hidden_layers", layers + 1), dir, n -> false);
        assertTrue(e.getMessage().contains("missing tensors") && e.getMessage().contains("bert.encoder.layer." + layers
                + ".output.dense.weight [" + stored.hiddenSize() + ", " + stored.intermediateSize() + "]"), e.getMessage());
        assertFalse(e.getMessage().contains("bert.encoder.layer." + (layers - 1) + "."), "the stored layers are all there: " + e.getMessage());
    }

    @Test
    void tensorsNoModuleClaimsAreUnexpected() {
        Path dir = Fixtures.folder("seq-cls");
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        ModelFileException e = build(config, dir, n -> false);
        assertTrue(e.getMessage().contains("unexpected tensors") && e.getMessage().contains("classifier.weight ["
                + Fixtures.numLabels("seq-cls") + ", " + config.hiddenSize() + "]"), e.getMessage());
    }
}

package dev.jbert.bert.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.testdata.Fixtures;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void ignoresPretrainingHeadsAndPositionIds() {
        try (Checkpoint c = Checkpoint.open(Fixtures.folder("base"))) {
            assertTrue(c.contains("bert.pooler.dense.weight"));
            assertFalse(c.names().stream().anyMatch(n -> n.startsWith("cls.")), c.names().toString());
            assertFalse(c.contains("bert.embeddings.position_ids"));
            assertEquals(Fixtures.folder("base").resolve("model.safetensors"), c.source());
        }
    }

    @Test
    void prefersSafetensorsOverPytorchBin() {
        try (Checkpoint c = Checkpoint.open(Fixtures.folder("token-cls"))) {
            assertTrue(c.source().getFileName().toString().endsWith(".safetensors"));
        }
    }

    /** A bare BertModel checkpoint (no bert. prefix) with TensorFlow-era gamma/beta names. */
    @Test
    void normalisesPrefixAndLegacyLayerNormNames() {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("embeddings.LayerNorm.gamma", new SafetensorsWriter.Tensor(new float[]{1, 2}, new long[]{2}));
        tensors.put("embeddings.LayerNorm.beta", new SafetensorsWriter.Tensor(new float[]{3, 4}, new long[]{2}));
        tensors.put("pooler.dense.bias", new SafetensorsWriter.Tensor(new float[]{5, 6}, new long[]{2}));
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertEquals(java.util.Set.of("bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
                    "bert.pooler.dense.bias"), c.names());
            assertArrayEquals(new float[]{1, 2}, c.readFloat32("bert.embeddings.LayerNorm.weight"));
            assertArrayEquals(new float[]{3, 4}, c.readFloat32("bert.embeddings.LayerNorm.bias"));
        }
    }

    @Test
    void bothPrefixedAndBareNamesForOneTensorAreAnError() {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("pooler.dense.bias", new SafetensorsWriter.Tensor(new float[]{1}, new long[]{1}));
        tensors.put("bert.pooler.dense.bias", new SafetensorsWriter.Tensor(new float[]{2}, new long[]{1}));
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(tmp));
        assertTrue(e.getMessage().contains("both map to 'bert.pooler.dense.bias'"), e.getMessage());
    }

    /** The base checkpoint split in two shards behind model.safetensors.index.json reads the same. */
    @Test
    void readsShardedSafetensors() throws IOException {
        Map<String, SafetensorsWriter.Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        ObjectNode index = new ObjectMapper().createObjectNode();
        ObjectNode weightMap = index.putObject("weight_map");
        try (SafetensorsFile whole = SafetensorsFile.open(Fixtures.folder("base").resolve("model.safetensors"))) {
            int i = 0;
            for (TensorInfo t : whole.tensors().values()) {
                boolean inFirst = i++ % 2 == 0;
                (inFirst ? first : second).put(t.name(), new SafetensorsWriter.Tensor(whole.readFloat32(t.name()), t.shape()));
                weightMap.put(t.name(), inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
            SafetensorsWriter.write(tmp.resolve("model-00001-of-00002.safetensors"), first);
            SafetensorsWriter.write(tmp.resolve("model-00002-of-00002.safetensors"), second);
            Files.writeString(tmp.resolve("model.safetensors.index.json"), index.toString());

            try (Checkpoint sharded = Checkpoint.open(tmp);
                 Checkpoint single = Checkpoint.open(Fixtures.folder("base"))) {
                assertEquals(single.names(), sharded.names());
                for (String n : single.names()) assertArrayEquals(single.readFloat32(n), sharded.readFloat32(n), n);
                assertEquals(tmp.resolve("model-00002-of-00002.safetensors"),
                        sharded.fileOf(first.containsKey("bert.pooler.dense.weight") ? "bert.pooler.dense.bias" : "bert.pooler.dense.weight"));
            }
        }
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Files.writeString(tmp.resolve("pytorch_model.bin.index.json"),
                "{\"weight_map\": {\"bert.pooler.dense.bias\": \"pytorch_model-00001-of-00002.bin\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(tmp));
        assertTrue(e.getMessage().contains("pytorch_model-00001-of-00002.bin") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void indexClaimingATensorTheShardLacks() throws IOException {
        Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
        t.put("bert.pooler.dense.bias", new SafetensorsWriter.Tensor(new float[]{1}, new long[]{1}));
        SafetensorsWriter.write(tmp.resolve("shard.safetensors"), t);
        Files.writeString(tmp.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"bert.pooler.dense.weight\": \"shard.safetensors\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(tmp));
        assertTrue(e.getMessage().contains("'bert.pooler.dense.weight'"), e.getMessage());
    }

    @Test
    void folderWithoutWeights() throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(tmp));
        assertTrue(e.getMessage().startsWith(tmp.toString()) && e.getMessage().contains("model.safetensors"), e.getMessage());
    }
}

package dev.jbert.heads.train;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bert.checkpoint.SafetensorsFile;
import dev.jbert.bert.config.Activation;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.Trainer;
import dev.jbert.heads.CheckpointHead;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.HeadSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.core.ModelFileException;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trained classifier saved in Hugging Face layout loads back into the same predictions. */
class SaveAndReloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private static float[] logits(ClassifierModel model, Batch batch) {
        return model.predict(batch).dup('c').data().asFloat();
    }

    @Test
    void trainedModelSavesAndReloadsWithIdenticalLogits() throws IOException {
        // labels renamed from the fixture's, so the saved names can only come from the spec
        List<String> labels = Fixtures.labels(TrainFixtures.SEQ_CLS).stream().map(label -> "renamed-" + label).toList();
        ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, labels);
        ClassifierModel model = SavedClassifier.open(Fixtures.folder(TrainFixtures.SEQ_CLS), spec, 42, TrainedParameters.ALL);
        new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out.resolve("run")).maxSteps(2).build(), List.of()).train();
        Batch batch = TrainFixtures.all();
        float[] before = logits(model, batch);

        Path dir = out.resolve("saved");
        model.save(dir);
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " is saved");
        }

        ClassifierSpec reread = SavedClassifier.specOf(dir);
        assertEquals(Task.SINGLE_LABEL, reread.task());
        assertEquals(labels, reread.labels());
        assertEquals(HeadSpec.Kind.NATIVE, reread.head().kind());
        ClassifierModel reloaded = SavedClassifier.open(dir, reread, 0, TrainedParameters.ALL);
        assertArrayEquals(before, logits(reloaded, batch), "logits after reload");
        TrainFixtures.assertSameParameters(TrainFixtures.snapshot(model), TrainFixtures.snapshot(reloaded), "parameters after reload");

        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals(List.of("BertForSequenceClassification"), List.of(JSON.treeToValue(config.get("architectures"), String[].class)));
        assertEquals("bert", config.get("model_type").asText());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(labels.get(i), config.get("id2label").get(String.valueOf(i)).asText());
            assertEquals(i, config.get("label2id").get(labels.get(i)).asInt());
        }
        assertEquals(labels.size(), config.get("id2label").size());
        assertEquals(labels.size(), config.get("label2id").size());
        assertFalse(config.has("jbert_head"), "a Linear head needs no jbert_head");

        JsonNode source = JSON.readTree(Fixtures.folder(TrainFixtures.SEQ_CLS).resolve("config.json").toFile());
        for (String field : List.of("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
                "layer_norm_eps", "vocab_size", "max_position_embeddings", "type_vocab_size", "pad_token_id",
                "hidden_dropout_prob", "attention_probs_dropout_prob", "initializer_range")) {
            assertTrue(config.has(field), "config.json has " + field);
            if (source.get(field).isNumber()) {
                assertEquals(source.get(field).asDouble(), config.get(field).asDouble(), 0.0, field);
            } else {
                assertEquals(source.get(field).asText(), config.get(field).asText(), field);
            }
        }

        Set<String> keys;
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            keys = new TreeSet<>(file.tensors().keySet());
            assertArrayEquals(TrainFixtures.snapshot(model).get("classifier.weight"), file.readFloat32("classifier.weight"));
        }
        assertEquals(new TreeSet<>(model.allParameters().keySet()), keys, "safetensors keys are the model's parameter names");
        assertTrue(keys.stream().allMatch(k -> k.startsWith("bert.") || k.startsWith("classifier.")), keys.toString());
        assertTrue(keys.containsAll(Set.of("classifier.weight", "classifier.bias", "bert.embeddings.word_embeddings.weight",
                "bert.pooler.dense.weight")), keys.toString());
    }

    @Test
    void mlpHeadSavesAndReloadsWithIdenticalLogits() throws IOException {
        ClassifierSpec spec = TrainFixtures.spec().withHead(HeadSpec.mlp(16, Activation.TANH)).withCheckpointHead(CheckpointHead.REPLACE_MISMATCHED);
        ClassifierModel model = SavedClassifier.open(Fixtures.folder(TrainFixtures.SEQ_CLS), spec, 42, TrainedParameters.ALL);
        assertTrue(model.allParameters().containsKey("classifier.dense.weight"));
        assertFalse(model.allParameters().containsKey("classifier.weight"), "the checkpoint's Linear head was replaced");
        new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out.resolve("run")).maxSteps(1).build(), List.of()).train();
        Batch batch = TrainFixtures.all();
        float[] before = logits(model, batch);

        Path dir = out.resolve("saved");
        model.save(dir);
        JsonNode head = JSON.readTree(dir.resolve("config.json").toFile()).get("jbert_head");
        assertEquals("mlp", head.get("kind").asText());
        assertEquals(16, head.get("hidden_size").asInt());
        assertEquals("tanh", head.get("activation").asText());

        ClassifierSpec reread = SavedClassifier.specOf(dir);
        assertEquals(HeadSpec.mlp(16, Activation.TANH), reread.head());
        ClassifierModel reloaded = SavedClassifier.open(dir, reread, 0, TrainedParameters.ALL);
        assertArrayEquals(before, logits(reloaded, batch), "MLP logits after reload");
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(new TreeSet<>(model.allParameters().keySet()), new TreeSet<>(file.tensors().keySet()));
            assertTrue(file.tensors().keySet().containsAll(Set.of("classifier.dense.weight", "classifier.dense.bias",
                    "classifier.out_proj.weight", "classifier.out_proj.bias")));
        }
    }

    @Test
    void headOfAnotherLabelCountNeedsReplaceHead() {
        int stored = Fixtures.numLabels(TrainFixtures.SEQ_CLS), other = stored + 2;
        int hidden = Fixtures.config(TrainFixtures.SEQ_CLS).get("hidden_size").asInt();
        ModelFileException e = assertThrows(ModelFileException.class, () -> SavedClassifier.open(
                Fixtures.folder(TrainFixtures.SEQ_CLS), ClassifierSpec.of(Task.SINGLE_LABEL, other), 42, TrainedParameters.ALL));
        assertTrue(e.getMessage().contains("classifier.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[" + stored + ", " + hidden + "]") && e.getMessage().contains("[" + other + ", " + hidden + "]"),
                "names both shapes: " + e.getMessage());
        assertTrue(e.getMessage().contains("replace the head"), e.getMessage());

        ClassifierModel replaced = SavedClassifier.open(Fixtures.folder(TrainFixtures.SEQ_CLS),
                ClassifierSpec.of(Task.SINGLE_LABEL, other).withCheckpointHead(CheckpointHead.REPLACE_MISMATCHED), 42, TrainedParameters.ALL);
        assertArrayEquals(new long[]{other, hidden}, replaced.allParameters().get("classifier.weight").shape());
        assertArrayEquals(new long[]{TrainFixtures.examples(), other}, replaced.predict(TrainFixtures.all()).shape());
    }
}

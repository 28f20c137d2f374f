package dev.jbert.bert.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.testdata.Fixtures;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncoderConfigTest {

    @TempDir
    Path tmp;

    /** Every field against the value transformers wrote into the fixture's config.json, whatever the fixture's shape. */
    @Test
    void readsEveryFieldOfTheSequenceClassificationFixture() {
        JsonNode json = Fixtures.config("seq-cls");
        EncoderConfig c = EncoderConfig.load(Fixtures.folder("seq-cls").resolve("config.json"));
        assertEquals(json.get("vocab_size").asInt(), c.vocabSize());
        assertEquals(json.get("hidden_size").asInt(), c.hiddenSize());
        assertEquals(json.get("num_hidden_layers").asInt(), c.numHiddenLayers());
        assertEquals(json.get("num_attention_heads").asInt(), c.numAttentionHeads());
        assertEquals(json.get("hidden_size").asInt() / json.get("num_attention_heads").asInt(), c.headSize());
        assertEquals(json.get("intermediate_size").asInt(), c.intermediateSize());
        assertEquals(json.get("hidden_act").asText(), c.hiddenAct().configName());
        assertEquals(json.get("hidden_dropout_prob").asDouble(), c.hiddenDropoutProb());
        assertEquals(json.get("max_position_embeddings").asInt(), c.maxPositionEmbeddings());
        assertEquals(json.get("type_vocab_size").asInt(), c.typeVocabSize());
        assertEquals(json.get("layer_norm_eps").asDouble(), c.layerNormEps());
        assertEquals(json.get("pad_token_id").asInt(), c.padTokenId());
        assertEquals(Fixtures.numLabels("seq-cls"), c.numLabels());
        List<String> labels = Fixtures.labels("seq-cls");
        Map<String, Integer> label2id = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(labels.get(i), c.id2label().get(i));
            label2id.put(labels.get(i), json.get("label2id").get(labels.get(i)).asInt());
        }
        assertEquals(label2id, c.label2id());
        assertEquals(Optional.of(json.get("problem_type").asText()), c.problemType().map(ProblemType::configName));
        List<String> architectures = new ArrayList<>();
        json.get("architectures").forEach(a -> architectures.add(a.asText()));
        assertEquals(architectures, c.architectures());
    }

    @Test
    void defaultsAreTransformers() {
        EncoderConfig c = EncoderConfig.load(write("{}"));
        assertEquals(768, c.hiddenSize());
        assertEquals(2, c.numLabels());
        assertEquals(0.1, c.effectiveClassifierDropout());
        assertEquals(Optional.empty(), c.problemType());
    }

    @Test
    void missingFile() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> EncoderConfig.load(tmp.resolve("config.json")));
        assertTrue(e.getMessage().contains("config.json not found"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"hidden_size\": 30, \"num_attention_heads\": 4}|hidden_size (30) is not a multiple of num_attention_heads (4)",
            "{\"position_embedding_type\": \"relative_key\"}|position_embedding_type 'relative_key' is not supported",
            "{\"hidden_act\": \"mish\"}|hidden_act 'mish' is not supported",
            "{\"model_type\": \"gpt2\"}|model_type is 'gpt2'; supported encoders are bert, distilbert",
            "{\"hidden_dropout_prob\": 1.5}|hidden_dropout_prob must be in [0, 1)",
            "{\"vocab_size\": 0}|vocab_size must be > 0",
            "{\"hidden_size\": \"big\"}|hidden_size must be an integer",
            "{\"problem_type\": \"ranking\"}|problem_type 'ranking'",
            "{\"id2label\": {\"0\": \"a\", \"2\": \"b\"}}|id2label must number its labels 0..1",
            "{\"id2label\": {\"0\": \"a\"}, \"label2id\": {\"b\": 0}}|label2id maps 'b' to 0",
            "{\"num_labels\": 3, \"id2label\": {\"0\": \"a\"}}|num_labels is 3 but id2label has 1",
            "{\"pad_token_id\": 99, \"vocab_size\": 10}|pad_token_id 99 is outside the vocabulary",
            "[1, 2]|expected a JSON object",
            "{oops|not valid JSON",
            "{\"model_type\": \"modernbert\", \"local_attention\": 1}|local_attention must be at least 2",
            "{\"model_type\": \"modernbert\", \"num_hidden_layers\": 2, \"layer_types\": [\"full_attention\"]}|layer_types must list one type per layer (2)",
            "{\"model_type\": \"modernbert\", \"num_hidden_layers\": 1, \"layer_types\": [\"chunked_attention\"]}|layer_types holds 'chunked_attention'",
            "{\"model_type\": \"modernbert\", \"global_attn_every_n_layers\": 0}|global_attn_every_n_layers must be > 0",
            "{\"model_type\": \"modernbert\", \"classifier_pooling\": \"max\"}|classifier_pooling is 'max'; expected cls or mean",
            "{\"model_type\": \"modernbert\", \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"yarn\"}}}|only default RoPE",
            "{\"model_type\": \"modernbert\", \"norm_bias\": \"no\"}|norm_bias must be true or false",
            "{\"model_type\": \"modernbert\", \"classifier_activation\": \"mish\"}|classifier_activation 'mish' is not supported",
            "{\"model_type\": \"deberta-v2\", \"conv_kernel_size\": 3}|convolution layer (deberta-v2-xlarge and -xxlarge) is not implemented",
            "{\"model_type\": \"deberta-v2\", \"embedding_size\": 128}|DeBERTa's embed_proj is not implemented",
            "{\"model_type\": \"deberta-v2\", \"pos_att_type\": [\"p2p\"]}|pos_att_type holds 'p2p'",
            "{\"model_type\": \"deberta-v2\", \"position_buckets\": 256, \"max_relative_positions\": 100}|needs max_relative_positions above half",
            "{\"model_type\": \"deberta-v2\", \"norm_rel_ebd\": \"batch_norm\"}|norm_rel_ebd 'batch_norm'",
            "{\"model_type\": \"deberta-v2\", \"pooler_hidden_size\": 64}|pooler_hidden_size 64 differs from hidden_size",
            "{\"model_type\": \"deberta-v2\", \"attention_head_size\": 32}|attention_head_size 32 differs",
            "{\"model_type\": \"bert\", \"type_vocab_size\": 0}|type_vocab_size must be > 0"})
    void rejectsWithTheFileAndTheReason(String json, String expected) {
        Path file = write(json);
        ModelFileException e = assertThrows(ModelFileException.class, () -> EncoderConfig.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsTheSettingsOfDebertaAndModernBert() {
        JsonNode debertaJson = Fixtures.config("families/deberta-v2/seq-cls");
        EncoderConfig deberta = EncoderConfig.load(Fixtures.folder("families/deberta-v2/seq-cls").resolve("config.json"));
        DebertaV2Settings d = DebertaV2Settings.of(deberta);
        assertEquals(debertaJson.get("type_vocab_size").asInt(), deberta.typeVocabSize());
        assertEquals(debertaJson.get("layer_norm_eps").asDouble(), deberta.layerNormEps());
        assertTrue(d.relativeAttention() && d.c2p() && d.p2c() && d.shareAttKey() && d.normRelEmbeddings() && !d.positionBiasedInput());
        assertEquals(debertaJson.get("position_buckets").asInt(), d.span());
        // transformers reads a max_relative_positions below 1 as max_position_embeddings
        int maxRelative = debertaJson.get("max_relative_positions").asInt();
        assertEquals(maxRelative < 1 ? debertaJson.get("max_position_embeddings").asInt() : maxRelative, d.maxRelativePositions());
        assertEquals(1 + debertaJson.get("pos_att_type").size(), d.scaleFactor());

        JsonNode modernJson = Fixtures.config("families/modernbert/seq-cls");
        EncoderConfig modern = EncoderConfig.load(Fixtures.folder("families/modernbert/seq-cls").resolve("config.json"));
        ModernBertSettings m = ModernBertSettings.of(modern);
        List<Boolean> global = new ArrayList<>();
        modernJson.get("layer_types").forEach(type -> global.add(type.asText().equals("full_attention")));
        assertEquals(global, m.global());
        assertEquals(modernJson.get("local_attention").asInt() / 2, m.window());
        JsonNode rope = modernJson.get("rope_parameters");
        assertEquals(rope.get("full_attention").get("rope_theta").asDouble(), m.globalTheta());
        assertEquals(rope.get("sliding_attention").get("rope_theta").asDouble(), m.localTheta());
        assertTrue(m.meanPooling() && !m.normBias() && !m.attentionBias() && !m.mlpBias() && !m.classifierBias());
        assertEquals(modernJson.get("hidden_activation").asText(), modern.hiddenAct().configName());
        assertEquals(modernJson.get("norm_eps").asDouble(), modern.layerNormEps());
    }

    private Path write(String json) {
        try {
            return Files.writeString(tmp.resolve("config.json"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

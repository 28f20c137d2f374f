package dev.jbert.bert.config;

import dev.jbert.testdata.Fixtures;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncoderConfigTest {

    @TempDir
    Path tmp;

    @Test
    void readsEveryFieldOfTheSequenceClassificationFixture() {
        EncoderConfig c = EncoderConfig.load(Fixtures.folder("seq-cls").resolve("config.json"));
        assertEquals(10000, c.vocabSize());
        assertEquals(32, c.hiddenSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(8, c.headSize());
        assertEquals(37, c.intermediateSize());
        assertEquals(Activation.GELU, c.hiddenAct());
        assertEquals(0.0, c.hiddenDropoutProb());
        assertEquals(64, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(0, c.padTokenId());
        assertEquals(3, c.numLabels());
        assertEquals("neutral", c.id2label().get(1));
        assertEquals(Map.of("negative", 0, "neutral", 1, "positive", 2), c.label2id());
        assertEquals(Optional.of(ProblemType.SINGLE_LABEL_CLASSIFICATION), c.problemType());
        assertEquals(java.util.List.of("BertForSequenceClassification"), c.architectures());
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
        EncoderConfig deberta = EncoderConfig.load(Fixtures.folder("families/deberta-v2/seq-cls").resolve("config.json"));
        DebertaV2Settings d = DebertaV2Settings.of(deberta);
        assertEquals(0, deberta.typeVocabSize());
        assertEquals(1e-7, deberta.layerNormEps());
        assertTrue(d.relativeAttention() && d.c2p() && d.p2c() && d.shareAttKey() && d.normRelEmbeddings() && !d.positionBiasedInput());
        assertEquals(16, d.span());
        assertEquals(64, d.maxRelativePositions());
        assertEquals(3, d.scaleFactor());
        EncoderConfig modern = EncoderConfig.load(Fixtures.folder("families/modernbert/seq-cls").resolve("config.json"));
        ModernBertSettings m = ModernBertSettings.of(modern);
        assertEquals(java.util.List.of(true, false, false), m.global());
        assertEquals(4, m.window());
        assertEquals(160_000.0, m.globalTheta());
        assertEquals(10_000.0, m.localTheta());
        assertTrue(m.meanPooling() && !m.normBias() && !m.attentionBias() && !m.mlpBias() && !m.classifierBias());
        assertEquals(Activation.GELU, modern.hiddenAct());
        assertEquals(1e-5, modern.layerNormEps());
    }

    private Path write(String json) {
        try {
            return Files.writeString(tmp.resolve("config.json"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

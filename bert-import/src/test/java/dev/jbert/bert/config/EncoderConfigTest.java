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
            "{oops|not valid JSON"})
    void rejectsWithTheFileAndTheReason(String json, String expected) {
        Path file = write(json);
        ModelFileException e = assertThrows(ModelFileException.class, () -> EncoderConfig.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private Path write(String json) {
        try {
            return Files.writeString(tmp.resolve("config.json"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

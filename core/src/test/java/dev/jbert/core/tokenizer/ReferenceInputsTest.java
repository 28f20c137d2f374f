package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model fixtures' inputs, encoded by transformers with each folder's own 10,000-token vocabulary,
 * padded to 24 and truncated longest-first.
 */
class ReferenceInputsTest {

    private static final int LENGTH = 24;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "seq-cls", "multi-label", "pair-regression"})
    void textInputsMatch(String fixture) {
        Tokenizer tokenizer = Tokenizer.fromDirectory(Fixtures.path("tiny-uncased"));
        JsonNode inputs = Fixtures.json("reference_inputs/" + fixture + ".json").get("inputs");
        assertFalse(inputs.isEmpty());
        for (JsonNode input : inputs) {
            String text = input.get("text").asText();
            Encoding e = input.get("text_pair").isNull()
                    ? tokenizer.encode(text, EncodeOptions.fixedLength(LENGTH))
                    : tokenizer.encode(text, input.get("text_pair").asText(), EncodeOptions.fixedLength(LENGTH));
            assertEncoding(input, e, text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"inputs_continuation_I", "inputs_continuation_ignore"})
    void preSplitWordsMatchWithWordIds(String key) {
        Tokenizer tokenizer = Tokenizer.fromDirectory(Fixtures.path("tiny-cased"));
        JsonNode inputs = Fixtures.json("reference_inputs/token-cls.json").get(key);
        assertFalse(inputs.isEmpty());
        for (JsonNode input : inputs) {
            Encoding e = tokenizer.encodeWords(Fixtures.strings(input.get("words")), EncodeOptions.fixedLength(LENGTH));
            String label = input.get("words").toString();
            assertEncoding(input, e, label);
            assertArrayEquals(Fixtures.wordIds(input.get("word_ids")), e.wordIds(), label);
        }
    }

    @Test
    void tinyFolderConfigsAreRead() {
        assertTrue(Tokenizer.fromDirectory(Fixtures.path("tiny-uncased")).lowercases());
        assertFalse(Tokenizer.fromDirectory(Fixtures.path("tiny-cased")).lowercases());
        assertEquals(512, Tokenizer.fromDirectory(Fixtures.path("tiny-cased")).modelMaxLength());
    }

    private static void assertEncoding(JsonNode expected, Encoding e, String label) {
        assertEquals(Fixtures.strings(expected.get("tokens")), e.tokens(), label);
        assertArrayEquals(Fixtures.ints(expected.get("input_ids")), e.inputIds(), label);
        assertArrayEquals(Fixtures.ints(expected.get("token_type_ids")), e.tokenTypeIds(), label);
        assertArrayEquals(Fixtures.ints(expected.get("attention_mask")), e.attentionMask(), label);
    }
}

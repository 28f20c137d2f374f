package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * all-MiniLM-L6-v2 loaded from its {@code tokenizer.json}. Its reference batch holds three single
 * sentences padded to the longest of them, and one pair on its own.
 */
class MiniLmTokenizerJsonTest {

    private final Tokenizer tokenizer = Tokenizer.fromDirectory(Fixtures.path("all-MiniLM-L6-v2"));

    @Test
    void readsTheNormalizerAndModelSettings() {
        assertTrue(tokenizer.lowercases());
        assertEquals("naive cafe", tokenizer.basicTokenizer().normalize("Naïve Café"));
        assertEquals(30522, tokenizer.size());
        // tokenizer_config.json sets 512; the fixed 128 in tokenizer.json's truncation section is ignored.
        assertEquals(512, tokenizer.modelMaxLength());
    }

    @Test
    void singleSentencesPaddedToTheLongestMatch() {
        List<JsonNode> singles = cases("single");
        assertEquals(3, singles.size());
        List<String> texts = new ArrayList<>();
        singles.forEach(c -> texts.add(c.get("text").asText()));

        List<Encoding> batch = tokenizer.encodeBatch(texts,
                EncodeOptions.NONE.withPadding(EncodeOptions.Padding.LONGEST));

        for (int i = 0; i < singles.size(); i++) {
            JsonNode expected = singles.get(i);
            Encoding e = batch.get(i);
            List<String> tokens = Fixtures.strings(expected.get("tokens"));
            assertEquals(tokens, e.tokens().subList(0, tokens.size()));
            assertArrayEquals(Fixtures.ints(expected.get("input_ids")), e.inputIds());
            assertArrayEquals(Fixtures.ints(expected.get("attention_mask")), e.attentionMask());
            assertArrayEquals(Fixtures.ints(expected.get("token_type_ids")), e.tokenTypeIds());
        }
    }

    @Test
    void pairMatches() {
        List<JsonNode> pairs = cases("pair");
        assertFalse(pairs.isEmpty());
        for (JsonNode expected : pairs) {
            Encoding e = tokenizer.encode(expected.get("text").get(0).asText(), expected.get("text").get(1).asText());
            assertEquals(Fixtures.strings(expected.get("tokens")), e.tokens());
            assertArrayEquals(Fixtures.ints(expected.get("input_ids")), e.inputIds());
            assertArrayEquals(Fixtures.ints(expected.get("attention_mask")), e.attentionMask());
            assertArrayEquals(Fixtures.ints(expected.get("token_type_ids")), e.tokenTypeIds());
        }
    }

    @Test
    void tokenizerJsonAndVocabTxtAgree() {
        // SOURCE.md: the MiniLM vocabulary is byte-identical to bert-base-uncased, and HF gives identical ids.
        for (JsonNode c : Fixtures.json("tokenizer_cases.json").get("cases")) {
            if ("uncased".equals(c.get("vocab").asText())) {
                assertEquals(Fixtures.strings(c.get("tokens")), tokenizer.tokenize(c.get("text").asText()));
            }
        }
    }

    private static List<JsonNode> cases(String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : Fixtures.json("all-MiniLM-L6-v2/reference_cases.json").get("cases")) {
            if (kind.equals(c.get("kind").asText())) {
                out.add(c);
            }
        }
        return out;
    }
}

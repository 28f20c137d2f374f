package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every case of {@code tokenizer_cases.json}: tokens and ids from transformers 5 with the full vocabularies. */
class HuggingFaceCasesTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (JsonNode c : Fixtures.json("tokenizer_cases.json").get("cases")) {
            out.add(Arguments.of(i++, c.get("vocab").asText(), c.get("text").asText(), c));
        }
        return out.stream();
    }

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode p : Fixtures.json("tokenizer_cases.json").get("pairs")) {
            out.add(Arguments.of(p.get("max_length").asInt(), p.get("text").asText(), p.get("text_pair").asText(), p));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}: {2}")
    @MethodSource("cases")
    void tokenizesLikeHuggingFace(int index, String vocab, String text, JsonNode expected) {
        Tokenizer tokenizer = "cased".equals(vocab) ? Fixtures.cased() : Fixtures.uncased();
        List<String> tokens = Fixtures.strings(expected.get("tokens"));
        int[] ids = Fixtures.ints(expected.get("ids"));

        assertEquals(tokens, tokenizer.tokenize(text));

        Encoding e = tokenizer.encode(text);
        List<String> withSpecials = new ArrayList<>();
        withSpecials.add("[CLS]");
        withSpecials.addAll(tokens);
        withSpecials.add("[SEP]");
        int[] idsWithSpecials = new int[ids.length + 2];
        idsWithSpecials[0] = 101;
        System.arraycopy(ids, 0, idsWithSpecials, 1, ids.length);
        idsWithSpecials[ids.length + 1] = 102;
        assertEquals(withSpecials, e.tokens());
        assertArrayEquals(idsWithSpecials, e.inputIds());
    }

    @ParameterizedTest(name = "max_length {0}: {1} / {2}")
    @MethodSource("pairs")
    void encodesPairsLikeHuggingFace(int maxLength, String text, String pair, JsonNode expected) {
        Encoding e = Fixtures.uncased().encode(text, pair, EncodeOptions.fixedLength(maxLength));

        assertEquals(Fixtures.strings(expected.get("tokens")), e.tokens());
        assertArrayEquals(Fixtures.ints(expected.get("input_ids")), e.inputIds());
        assertArrayEquals(Fixtures.ints(expected.get("token_type_ids")), e.tokenTypeIds());
        assertArrayEquals(Fixtures.ints(expected.get("attention_mask")), e.attentionMask());
    }
}

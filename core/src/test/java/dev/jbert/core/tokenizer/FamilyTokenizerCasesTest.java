package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static dev.jbert.core.tokenizer.Fixtures.charOffsets;
import static dev.jbert.core.tokenizer.Fixtures.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every family's {@code tokenizer_cases.json} (transformers 5.18, tokenizers 0.23), read through each family's own
 * {@code tokenizer.json}: ids, tokens and offsets of texts, truncated and padded pairs, and pre-split words with word
 * ids (through the token classifier's tokenizer). The SentencePiece families run a second time from their
 * {@code .model} file alone, as a folder without tokenizer.json loads. Exact.
 */
class FamilyTokenizerCasesTest {

    /** A family name with this suffix loads from a copy of its folder without tokenizer.json. */
    private static final String SPM_ONLY = " (spm model only)";
    private static final List<String> FAMILIES = List.of("distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert",
            "xlm-roberta" + SPM_ONLY, "deberta-v2" + SPM_ONLY);
    private static final Map<Path, Tokenizer> LOADED = new ConcurrentHashMap<>();

    @TempDir
    static Path copies;

    private static Path family(String name) {
        return Fixtures.folder("families/" + name.replace(SPM_ONLY, ""));
    }

    private static Tokenizer tokenizer(String family, String model) {
        Path folder = family(family).resolve(model);
        if (!family.endsWith(SPM_ONLY)) return LOADED.computeIfAbsent(folder, Tokenizer::fromDirectory);
        return LOADED.computeIfAbsent(copies.resolve(family + "-" + model), copy -> Tokenizer.fromDirectory(withoutTokenizerJson(folder, copy)));
    }

    private static Path withoutTokenizerJson(Path folder, Path copy) {
        try {
            Files.createDirectories(copy);
            for (String name : List.of("tokenizer_config.json", "sentencepiece.bpe.model", "spm.model")) {
                if (Files.exists(folder.resolve(name))) Files.copy(folder.resolve(name), copy.resolve(name));
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode cases(String family) {
        return Fixtures.json(family(family).resolve("tokenizer_cases.json"));
    }

    static Stream<Arguments> texts() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FAMILIES) {
            int i = 0;
            for (JsonNode c : cases(f).get("cases")) out.add(Arguments.of(f, i++, c));
        }
        return out.stream();
    }

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FAMILIES) {
            int i = 0;
            for (JsonNode c : cases(f).get("pairs")) out.add(Arguments.of(f, i++, c));
        }
        return out.stream();
    }

    static Stream<Arguments> words() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FAMILIES) {
            int i = 0;
            for (JsonNode c : cases(f).get("split_words")) out.add(Arguments.of(f, i++, c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} text {1}")
    @MethodSource("texts")
    void textsTokenizeAsTransformers(String family, int index, JsonNode c) {
        String text = c.get("text").asText();
        Tokenizer tokenizer = tokenizer(family, "seq-cls");
        Encoding e = tokenizer.encode(text);
        assertEquals(strings(c.get("tokens")), vocabularyTokens(tokenizer, e), text);
        assertArrayEquals(Fixtures.ints(c.get("ids")), e.inputIds(), text);
        assertEquals(charOffsets(text, c.get("offsets")), e.offsets(), text);
    }

    @ParameterizedTest(name = "{0} pair {1}")
    @MethodSource("pairs")
    void pairsTruncateAndPadAsTransformers(String family, int index, JsonNode c) {
        Encoding e = tokenizer(family, "seq-cls").encode(c.get("text").asText(), c.get("text_pair").asText(),
                EncodeOptions.fixedLength(c.get("max_length").asInt()));
        assertArrayEquals(Fixtures.ints(c.get("input_ids")), e.inputIds());
        assertArrayEquals(Fixtures.ints(c.get("attention_mask")), e.attentionMask());
        if (c.has("token_type_ids")) assertArrayEquals(Fixtures.ints(c.get("token_type_ids")), e.tokenTypeIds());
    }

    @ParameterizedTest(name = "{0} words {1}")
    @MethodSource("words")
    void preSplitWordsKeepTheirWordIds(String family, int index, JsonNode c) {
        Tokenizer tokenizer = tokenizer(family, "token-cls");
        Encoding e = tokenizer.encodeWords(strings(c.get("words")));
        assertEquals(strings(c.get("tokens")), vocabularyTokens(tokenizer, e));
        assertArrayEquals(Fixtures.ints(c.get("ids")), e.inputIds());
        assertArrayEquals(wordIds(c.get("word_ids")), e.wordIds());
    }

    /**
     * The fixtures' tokens are transformers' {@code convert_ids_to_tokens(ids)}: an unknown piece reads as the unknown
     * token, where the encoding itself (as tokenizers' {@code Encoding.tokens}) names the text it covers.
     */
    private static List<String> vocabularyTokens(Tokenizer tokenizer, Encoding e) {
        List<String> out = new ArrayList<>();
        for (int id : e.inputIds()) out.add(tokenizer.idToToken(id));
        return out;
    }

    private static int[] wordIds(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).isNull() ? Encoding.NONE : array.get(i).asInt();
        return out;
    }
}

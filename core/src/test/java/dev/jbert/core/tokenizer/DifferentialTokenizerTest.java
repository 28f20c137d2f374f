package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.jbert.core.tokenizer.Fixtures.charOffsets;
import static dev.jbert.core.tokenizer.Fixtures.strings;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of random and adversarial strings per tokenizer folder against what Hugging Face computed for them
 * ({@code tokenizer/differential/*.json.gz}, written once by {@code record.py} with transformers 5.18 and tokenizers
 * 0.23): texts (ids, tokens, offsets), truncated pairs (ids, type ids) and pre-split words (ids, tokens, word ids).
 * The first entries of each section are issue 26's minimal inputs. Exact; a failure lists the first disagreements.
 */
class DifferentialTokenizerTest {

    private static final String DIR = "/tokenizer/differential/";
    private static final int SHOWN = 5;

    @TempDir
    static Path copies;

    static Stream<String> tokenizers() {
        return Stream.of("minilm", "bert-uncased-vocab", "bert-cased-vocab", "distilbert", "electra", "roberta",
                "roberta-prefix-space", "roberta-vocab-merges", "xlm-roberta", "xlm-roberta-spm", "deberta-v2",
                "deberta-v2-spm", "modernbert");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void textsMatchHuggingFace(String name) {
        JsonNode doc = recorded(name);
        Tokenizer tokenizer = load(doc);
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : doc.get("texts")) {
            String text = c.get("text").asText();
            Encoding e = tokenizer.encode(text);
            compare(wrong, text, "ids", Arrays.toString(Fixtures.ints(c.get("ids"))), Arrays.toString(e.inputIds()));
            compare(wrong, text, "tokens", strings(c.get("tokens")).toString(), e.tokens().toString());
            compare(wrong, text, "offsets", charOffsets(text, c.get("offsets")).toString(), e.offsets().toString());
        }
        report(name, "texts", doc.get("texts").size(), wrong);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void truncatedPairsMatchHuggingFace(String name) {
        JsonNode doc = recorded(name);
        Tokenizer tokenizer = load(doc);
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : doc.get("pairs")) {
            String a = c.get("text").asText(), b = c.get("text_pair").asText();
            EncodeOptions options = new EncodeOptions(c.get("max_length").asInt(), EncodeOptions.Truncation.LONGEST_FIRST,
                    EncodeOptions.Padding.NONE);
            Encoding e = tokenizer.encode(a, b, options);
            String input = a + " || " + b + " @" + c.get("max_length").asInt();
            compare(wrong, input, "ids", Arrays.toString(Fixtures.ints(c.get("ids"))), Arrays.toString(e.inputIds()));
            if (c.has("token_type_ids")) {
                compare(wrong, input, "type ids", Arrays.toString(Fixtures.ints(c.get("token_type_ids"))),
                        Arrays.toString(e.tokenTypeIds()));
            }
        }
        report(name, "pairs", doc.get("pairs").size(), wrong);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void preSplitWordsMatchHuggingFace(String name) {
        JsonNode doc = recorded(name);
        Tokenizer tokenizer = load(doc);
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : doc.get("words")) {
            List<String> words = strings(c.get("words"));
            Encoding e = tokenizer.encodeWords(words);
            String input = words.toString();
            compare(wrong, input, "ids", Arrays.toString(Fixtures.ints(c.get("ids"))), Arrays.toString(e.inputIds()));
            compare(wrong, input, "tokens", strings(c.get("tokens")).toString(), e.tokens().toString());
            compare(wrong, input, "word ids", Arrays.toString(Fixtures.ints(c.get("word_ids"))), Arrays.toString(e.wordIds()));
        }
        report(name, "word lists", doc.get("words").size(), wrong);
    }

    private static void compare(List<String> wrong, String input, String field, String expected, String actual) {
        if (!expected.equals(actual)) {
            wrong.add(field + " of " + escape(input) + "\n    HF    " + abbreviate(expected) + "\n    jbert " + abbreviate(actual));
        }
    }

    private static void report(String name, String section, int total, List<String> wrong) {
        assertTrue(wrong.isEmpty(), () -> name + ": " + wrong.size() + " disagreements in " + total + " " + section + ":\n"
                + String.join("\n", wrong.subList(0, Math.min(SHOWN, wrong.size()))));
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "... (" + s.length() + " chars)";
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().limit(120).forEach(c -> out.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u{%x}", c)));
        return out.append(s.codePointCount(0, s.length()) > 120 ? "...\"" : "\"").toString();
    }

    private static JsonNode recorded(String name) {
        try (InputStream in = new GZIPInputStream(DifferentialTokenizerTest.class.getResourceAsStream(DIR + name + ".json.gz"))) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded folder, copied without the files Hugging Face loaded it without. */
    private static Tokenizer load(JsonNode doc) {
        Path folder = source(doc.get("folder").asText());
        if (doc.get("loaded_without").isEmpty()) return Tokenizer.fromDirectory(folder);
        List<String> dropped = strings(doc.get("loaded_without"));
        try {
            Path copy = Files.createDirectories(copies.resolve(doc.get("tokenizer").asText()));
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String file = f.getFileName().toString();
                    if (!dropped.contains(file) && !file.endsWith(".safetensors") && !Files.exists(copy.resolve(file))) {
                        Files.copy(f, copy.resolve(file));
                    }
                }
            }
            return Tokenizer.fromDirectory(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder named relative to the repository root: a fixture family or one of this module's test resources. */
    private static Path source(String relative) {
        String fixtures = "testdata/fixtures/";
        if (relative.startsWith(fixtures)) return Fixtures.folder(relative.substring(fixtures.length()));
        String resources = "core/src/test/resources";
        try {
            return Paths.get(DifferentialTokenizerTest.class.getResource(relative.substring(resources.length())).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("no test resource " + relative, e);
        }
    }
}

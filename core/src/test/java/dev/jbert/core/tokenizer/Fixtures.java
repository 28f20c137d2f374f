package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test resources under {@code src/test/resources/tokenizer}, whose expected values come from Hugging Face. */
final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static Path path(String relative) {
        URL url = Fixtures.class.getResource("/tokenizer/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test resource tokenizer/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Python's code point offsets (as transformers reports them) as the Java char offsets an {@link Encoding} reports. */
    static List<Offset> charOffsets(String text, JsonNode offsets) {
        List<Offset> out = new java.util.ArrayList<>();
        int codePoints = text.codePointCount(0, text.length());
        for (JsonNode o : offsets) {
            int s = o.get(0).asInt(), e = o.get(1).asInt();
            out.add(new Offset(text.offsetByCodePoints(0, Math.min(s, codePoints)), text.offsetByCodePoints(0, Math.min(e, codePoints))));
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** Hugging Face word ids with None as -1, the convention of {@link Encoding#wordIds()}. */
    static int[] wordIds(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isNull() ? Encoding.NONE : array.get(i).asInt();
        }
        return out;
    }

    static Tokenizer uncased() {
        return Holder.UNCASED;
    }

    static Vocabulary uncasedVocabulary() {
        return Vocabulary.fromFile(path("bert-base-uncased-vocab.txt"));
    }

    static Tokenizer cased() {
        return Holder.CASED;
    }

    /** The full bert-base vocabularies, loaded once for all tests. */
    private static final class Holder {
        static final Tokenizer UNCASED = Tokenizer.of(
                Vocabulary.fromFile(path("bert-base-uncased-vocab.txt")), TokenizerConfig.uncased());
        static final Tokenizer CASED = Tokenizer.of(
                Vocabulary.fromFile(path("bert-base-cased-vocab.txt")), TokenizerConfig.cased());
    }
}

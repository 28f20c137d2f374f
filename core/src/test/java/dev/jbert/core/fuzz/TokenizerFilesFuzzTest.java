package dev.jbert.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any bytes as a tokenizer folder's files either load into a tokenizer that encodes text, or fail with a
 * {@link ModelFileException} (and encoding a text the model cannot cover, with an {@link IllegalArgumentException}
 * saying so): never another exception, a hang or unbounded memory. Regression mode (every
 * {@code mvn test}) replays the seeds in {@code src/test/resources/.../*Inputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TokenizerFilesFuzzTest {

    private static final Path DIR = folder();
    private static final String VOCAB = String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world",
            "na", "##ive", "caf", "##e", "!", ",", "a", "pair", "of", "texts") + "\n";

    private static Path folder() {
        try {
            Path d = Files.createTempDirectory("jbert-fuzz-tokenizer");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void tokenizerJson(byte[] data) throws IOException {
        loadsOrRefuses("tokenizer.json", data);
    }

    @FuzzTest(maxDuration = "10m")
    void vocabTxt(byte[] data) throws IOException {
        loadsOrRefuses("vocab.txt", data);
    }

    @FuzzTest(maxDuration = "10m")
    void sentencePieceModel(byte[] data) throws IOException {
        loadsOrRefuses("sentencepiece.bpe.model", data, Map.of("tokenizer_config.json", "{\"tokenizer_class\": \"XLMRobertaTokenizer\"}"));
    }

    /** tokenizer_config.json beside a sound vocab.txt: special tokens, casing, length limit, added tokens. */
    @FuzzTest(maxDuration = "10m")
    void tokenizerConfigJson(byte[] data) throws IOException {
        loadsOrRefuses("tokenizer_config.json", data, Map.of("vocab.txt", VOCAB));
    }

    private static void requireMessage(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a refusal without a message", e);
    }

    private static void loadsOrRefuses(String name, byte[] data) throws IOException {
        loadsOrRefuses(name, data, Map.of());
    }

    private static void loadsOrRefuses(String name, byte[] data, Map<String, String> companions) throws IOException {
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        for (var companion : companions.entrySet()) Files.writeString(DIR.resolve(companion.getKey()), companion.getValue());
        Files.write(DIR.resolve(name), data);
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.fromDirectory(DIR);
        } catch (ModelFileException refused) {
            requireMessage(refused);
            return;
        }
        try {
            tokenizer.encode("Héllo, naïve café! 中文 😀 ▀");
            tokenizer.encode("a pair", "of texts");
        } catch (IllegalArgumentException unencodable) {
            // a model that cannot encode a text (a Unigram without unk_id meeting an unknown character) says so, as
            // the tokenizers library refuses it too
            requireMessage(unencodable);
        }
    }
}

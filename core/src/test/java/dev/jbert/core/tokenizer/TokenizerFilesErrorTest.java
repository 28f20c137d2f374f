package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a tokenizer folder can be unusable, and the message that says so. */
class TokenizerFilesErrorTest {

    private static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    @TempDir
    Path dir;

    @Test
    void folderWithoutVocabulary() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, dir, "vocab.txt", "tokenizer.json");
    }

    @Test
    void pathThatIsNotAFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("vocab.txt"), "[UNK]\n");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(file));
        assertNames(e, file, "not a folder");
    }

    @Test
    void emptyVocabulary() throws IOException {
        Path vocab = Files.writeString(dir.resolve("vocab.txt"), "");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, vocab, "empty");
    }

    @Test
    void vocabularyThatIsNotUtf8() throws IOException {
        Path vocab = Files.write(dir.resolve("vocab.txt"), new byte[] {'[', 'U', 'N', 'K', ']', '\n', (byte) 0xC3, '\n'});
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, vocab, "UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[UNK]", "[CLS]", "[SEP]", "[PAD]"})
    void vocabularyWithoutARequiredSpecialToken(String missing) throws IOException {
        List<String> lines = new ArrayList<>(SPECIALS);
        lines.remove(missing);
        lines.add("hello");
        Path vocab = Files.write(dir.resolve("vocab.txt"), lines);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, vocab, missing);
    }

    @Test
    void vocabularyBuiltInCodeWithoutUnknownToken() {
        Vocabulary vocab = Vocabulary.of(List.of("[PAD]", "[CLS]", "[SEP]", "hello"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.of(vocab, TokenizerConfig.uncased()));
        assertTrue(e.getMessage().contains("[UNK]"), e.getMessage());
    }

    @Test
    void missingVocabularyFile() {
        Path vocab = dir.resolve("absent.txt");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Vocabulary.fromFile(vocab));
        assertNames(e, vocab, "not found");
    }

    @Test
    void tokenizerJsonThatIsNotJson() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\",");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "not valid JSON");
    }

    @Test
    void tokenizerConfigThatIsNotJson() throws IOException {
        Files.write(dir.resolve("vocab.txt"), SPECIALS);
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "do_lower_case: true");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, config, "not valid JSON");
    }

    @Test
    void tokenizerConfigWithAWrongType() throws IOException {
        Files.write(dir.resolve("vocab.txt"), SPECIALS);
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, config, "do_lower_case");
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "model.type", "\"WordLevel\"", "WordPiece", "BPE", "Unigram");
    }

    @Test
    void untypedModelIsRecognisedByItsFields() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "merge 1", "\"a b\"", "b");
    }

    @Test
    void bpeDropoutIsRefused() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"BPE\", \"dropout\": 0.1, \"vocab\": {\"a\": 0}, \"merges\": []}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "model.dropout");
    }

    @Test
    void unigramUnknownIdBeyondTheVocabulary() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 5, \"vocab\": [[\"a\", -1.0]]}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "unk_id 5");
    }

    @Test
    void unigramEntryThatIsNotAPair() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [[\"a\", -1.0], [\"b\"]]}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "model.vocab[1]", "[piece, score]");
    }

    @Test
    void truncatedPrecompiledCharsMap() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"), wordPieceJson(
                "{\"type\": \"Precompiled\", \"precompiled_charsmap\": \"AAEAAA==\"}", "{\"type\": \"BertPreTokenizer\"}"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "normalizer.precompiled_charsmap", "trie");
    }

    @Test
    void unknownNormalizer() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"), wordPieceJson(
                "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Bogus\"}]}", "{\"type\": \"BertPreTokenizer\"}"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "normalizer.normalizers[0].type", "\"Bogus\"", "BertNormalizer");
    }

    @Test
    void unknownPreTokenizer() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"), wordPieceJson(
                "{\"type\": \"BertNormalizer\"}", "{\"type\": \"UnicodeScripts\"}"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "pre_tokenizer.type", "\"UnicodeScripts\"", "ByteLevel");
    }

    @Test
    void regexThatDoesNotCompile() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"), wordPieceJson(
                "{\"type\": \"Replace\", \"pattern\": {\"Regex\": \"(a\"}, \"content\": \" \"}", "{\"type\": \"BertPreTokenizer\"}"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "normalizer.pattern", "(a");
    }

    @Test
    void unknownPostProcessor() throws IOException {
        String base = wordPieceJson("{\"type\": \"BertNormalizer\"}", "{\"type\": \"BertPreTokenizer\"}");
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                base.substring(0, base.lastIndexOf('}')) + ", \"post_processor\": {\"type\": \"Fancy\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "post_processor.type", "\"Fancy\"");
    }

    @Test
    void tokenizerJsonWithoutUnknownToken() throws IOException {
        Path json = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": {\"[CLS]\": 0, \"[SEP]\": 1,"
                        + " \"[PAD]\": 2}}, \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir));
        assertNames(e, json, "[UNK]");
    }

    @Test
    void minimalTokenizerJsonLoads() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), wordPieceJson(
                "{\"type\": \"BertNormalizer\", \"lowercase\": false, \"strip_accents\": null}",
                "{\"type\": \"BertPreTokenizer\"}"));
        Tokenizer tokenizer = Tokenizer.fromDirectory(dir);
        assertEquals(List.of("Hi", "[UNK]"), tokenizer.tokenize("Hi hi"));
        assertEquals(6, tokenizer.size());
    }

    @Test
    void addedTokensFromTokenizerConfigGetTheirIds() throws IOException {
        Files.write(dir.resolve("vocab.txt"), SPECIALS);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true, \"model_max_length\": 1e30,"
                + " \"added_tokens_decoder\": {\"5\": {\"content\": \"<ent>\", \"special\": true, \"normalized\": false}},"
                + " \"additional_special_tokens\": [\"<ent>\"]}");
        Tokenizer tokenizer = Tokenizer.fromDirectory(dir);
        Encoding e = tokenizer.encode("<ent>");
        assertEquals(List.of("[CLS]", "<ent>", "[SEP]"), e.tokens());
        assertEquals(5, e.inputIds()[1]);
        assertEquals(6, tokenizer.size());
        assertEquals(TokenizerConfig.NO_MAX_LENGTH, tokenizer.modelMaxLength());
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromDirectory(null));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.fromFile(null));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.of(null, TokenizerConfig.uncased()));
        Tokenizer tokenizer = Fixtures.uncased();
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode((String) null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", (String) null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeWords(null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeWords(java.util.Arrays.asList("a", null)));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeBatch(List.of("a"), List.of(), EncodeOptions.NONE));
    }

    private static String wordPieceJson(String normalizer, String preTokenizer) {
        return "{\"added_tokens\": [], \"normalizer\": " + normalizer + ", \"pre_tokenizer\": " + preTokenizer
                + ", \"truncation\": {\"max_length\": 128}, \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\","
                + " \"continuing_subword_prefix\": \"##\", \"max_input_chars_per_word\": 100, \"vocab\": {\"[PAD]\": 0,"
                + " \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"[MASK]\": 4, \"Hi\": 5}}}";
    }

    private static void assertNames(ModelFileException e, Path file, String... fragments) {
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected \"" + fragment + "\" in: " + e.getMessage());
        }
    }
}

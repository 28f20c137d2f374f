package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;
import dev.jbert.core.proto.Proto;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder whose tokenizer is only a SentencePiece model: which class it is read as, saving it, and every way the
 * model file or the folder can be unusable. The fixtures' exact cases run in {@link FamilyTokenizerCasesTest}.
 */
class SentencePieceFilesTest {

    private static final String TEXT = "The café's naïve résumé, isn't it?";

    @TempDir
    Path dir;

    private static Path xlmr() {
        return Fixtures.folder("families/xlm-roberta/seq-cls");
    }

    @Test
    void configModelTypeNamesTheClassWhenTokenizerConfigIsAbsent() throws IOException {
        Files.copy(xlmr().resolve("sentencepiece.bpe.model"), dir.resolve("sentencepiece.bpe.model"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"xlm-roberta\"}");
        Encoding expected = Tokenizer.fromDirectory(xlmr()).encode(TEXT, "and a pair");
        Encoding actual = Tokenizer.fromDirectory(dir).encode(TEXT, "and a pair");
        assertEquals(expected.tokens(), actual.tokens());
        assertArrayEquals(expected.inputIds(), actual.inputIds());
        assertEquals(expected.offsets(), actual.offsets());
    }

    @Test
    void savedSentencePieceTokenizerReloadsTheSame() throws IOException {
        Path source = dir.resolve("source");
        Files.createDirectories(source);
        for (String name : new String[] {"sentencepiece.bpe.model", "tokenizer_config.json"}) {
            Files.copy(xlmr().resolve(name), source.resolve(name));
        }
        Tokenizer tokenizer = Tokenizer.fromDirectory(source);
        Path saved = dir.resolve("saved");
        Files.createDirectories(saved);
        tokenizer.save(saved);
        assertTrue(Files.isRegularFile(saved.resolve("sentencepiece.bpe.model")));
        assertArrayEquals(tokenizer.encode(TEXT).inputIds(), Tokenizer.fromDirectory(saved).encode(TEXT).inputIds());
    }

    @Test
    void garbageIsAMalformedModel() throws IOException {
        Path model = Files.write(dir.resolve("spm.model"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        config("DebertaV2Tokenizer");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "malformed protobuf",
                "a SentencePiece model");
    }

    @Test
    void truncatedModelIsAMalformedModel() throws IOException {
        byte[] whole = Files.readAllBytes(xlmr().resolve("sentencepiece.bpe.model"));
        Path model = Files.write(dir.resolve("sentencepiece.bpe.model"), Arrays.copyOf(whole, whole.length / 2));
        config("XLMRobertaTokenizer");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "malformed protobuf", "truncated");
    }

    @Test
    void modelWithoutPieces() throws IOException {
        Path model = Files.write(dir.resolve("spm.model"), new Proto().message(2, new Proto().varint(40, 0)).toBytes());
        config("DebertaV2Tokenizer");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "no pieces");
    }

    @Test
    void unknownIdBeyondThePieces() throws IOException {
        Path model = Files.write(dir.resolve("spm.model"), new Proto().message(1, piece("[CLS]", 3)).message(1, piece("[SEP]", 3))
                .message(2, new Proto().varint(40, 7)).toBytes());
        config("DebertaV2Tokenizer");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "unk_id is 7", "2 pieces");
    }

    @Test
    void templateTokenMissingFromThePieces() throws IOException {
        Path model = Files.write(dir.resolve("spm.model"), new Proto().message(1, piece("[UNK]", 2)).message(1, piece("\u2581a", 1))
                .toBytes());
        config("DebertaV2Tokenizer");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "[CLS]", "template");
    }

    @Test
    void classThatIsNotReadFromAModel() throws IOException {
        Path model = Files.copy(xlmr().resolve("sentencepiece.bpe.model"), dir.resolve("spm.model"));
        config("AlbertTokenizerFast");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "AlbertTokenizerFast",
                "XLMRobertaTokenizer or DebertaV2Tokenizer");
    }

    @Test
    void folderThatDoesNotSayWhichClass() throws IOException {
        Path model = Files.copy(xlmr().resolve("sentencepiece.bpe.model"), dir.resolve("sentencepiece.bpe.model"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertNames(assertThrows(ModelFileException.class, () -> Tokenizer.fromDirectory(dir)), model, "tokenizer_class", "model_type");
    }

    private void config(String tokenizerClass) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"" + tokenizerClass + "\"}");
    }

    private static Proto piece(String text, int type) {
        return new Proto().string(1, text).fixed32(2, Float.floatToIntBits(0f)).varint(3, type);
    }

    private static void assertNames(ModelFileException e, Path file, String... fragments) {
        assertEquals(file, e.file());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected \"" + fragment + "\" in: " + e.getMessage());
        }
    }
}

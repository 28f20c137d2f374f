package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.jbert.core.data.TestFiles.resource;
import static dev.jbert.core.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenReaderTest {

    private static final TokenReadOptions DEFAULTS = TokenReadOptions.defaults();

    @TempDir
    Path dir;

    private static void rowError(Path file, TokenReadOptions options, long line, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> TokenReader.read(file, options));
        assertTrue(e.getMessage().startsWith(file + ": line " + line + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }

    private static void fileError(Path file, TokenReadOptions options, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> TokenReader.read(file, options));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }

    @Test
    void conllSkipsDocstartAndSplitsOnBlankLines() {
        Dataset<TokenExample> d = TokenReader.read(resource("sample.conll"), DEFAULTS);
        assertEquals(2, d.size());
        TokenExample first = d.examples().get(0);
        assertEquals(List.of("EU", "rejects", "German", "call", "."), first.words());
        assertEquals(List.of("B-ORG", "O", "B-MISC", "O", "O"), first.tags(), "the last column, not the chunk column");
        assertEquals(3, first.source().line());
        assertEquals(List.of("Peter", "Blackburn"), d.examples().get(1).words());
        assertEquals(9, d.examples().get(1).source().line());
        assertEquals(List.of("B-MISC", "B-ORG", "B-PER", "I-PER", "O"), d.labels().names(), "sorted, as run_ner sorts");
    }

    @Test
    void conllTagColumnByIndex() {
        Dataset<TokenExample> d = TokenReader.read(resource("sample.conll"), DEFAULTS.withTagColumn(Column.at(1)));
        assertEquals(List.of("NNP", "VBZ", "JJ", "NN", "."), d.examples().get(0).tags(), "POS tags");
    }

    @Test
    void conllWithoutTagsForPrediction() {
        Path f = write(dir, "words.conll", "Hello\nworld\n\n-DOCSTART-\nBye\n");
        Dataset<TokenExample> d = TokenReader.read(f, DEFAULTS.withLabelling(Labelling.UNLABELLED));
        assertEquals(2, d.size());
        assertNull(d.examples().get(0).tags());
        assertNull(d.labels());
        assertEquals(List.of("Bye"), d.examples().get(1).words(), "the last sentence needs no trailing blank line");
    }

    @Test
    void jsonlWordListsWithNameOrIdTags() {
        Path f = write(dir, "ner.jsonl", "{\"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [3, 0]}\n"
                + "{\"tokens\": [\"Peter\"], \"ner_tags\": [\"B-PER\"]}\n");
        LabelSet tags = LabelSet.of(List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG"));
        Dataset<TokenExample> d = TokenReader.read(f, DEFAULTS.withLabels(tags));
        assertEquals(List.of("B-ORG", "O"), d.examples().get(0).tags(), "ids become names");
        assertEquals(List.of("B-PER"), d.examples().get(1).tags());
        assertEquals(2, d.examples().get(1).source().line());
    }

    @Test
    void unknownTagNamesTheWordAndItsLine() {
        LabelSet tags = LabelSet.of(List.of("O", "B-ORG", "B-MISC", "B-PER", "I-PER"));
        Path f = write(dir, "dev.conll", "EU B-ORG\n\nPeter B-PER\nParis B-LOC\n");
        rowError(f, DEFAULTS.withLabels(tags), 4, "unknown tag 'B-LOC' (word 'Paris')", "[O, B-ORG, B-MISC, B-PER, I-PER]");
    }

    @Test
    void lineWithoutATag() {
        Path f = write(dir, "bad.conll", "EU B-ORG\nrejects\n\nPeter B-PER\n");
        rowError(f, DEFAULTS, 2, "no tag: the line holds only 'rejects'");
    }

    @Test
    void tagColumnOutOfRange() {
        Path f = write(dir, "bad.conll", "EU NNP B-ORG\n");
        rowError(f, DEFAULTS.withTagColumn(Column.at(5)), 1, "no tag column 5: the line has 3 columns");
    }

    @Test
    void skipDropsWholeSentences() {
        Path f = write(dir, "bad.conll", "EU B-ORG\nrejects\nGerman B-MISC\n\nPeter B-PER\n\nx\n");
        Dataset<TokenExample> d = TokenReader.read(f, DEFAULTS.withBadRows(BadRowPolicy.SKIP));
        assertEquals(1, d.size());
        assertEquals(List.of("Peter"), d.examples().get(0).words());
        assertEquals(2, d.skipped().size());
        assertEquals(List.of(2L, 7L), d.skipped().stream().map(s -> s.source().line()).toList());
    }

    @Test
    void emptyConll() {
        Path f = write(dir, "empty.conll", "-DOCSTART- -X- O O\n\n\n");
        fileError(f, DEFAULTS, "no examples", "holds no sentences");
    }

    @Test
    void jsonErrors() {
        Path f = write(dir, "a.jsonl", "{\"tokens\": [\"a\", \"b\"], \"ner_tags\": [\"O\"]}\n");
        rowError(f, DEFAULTS, 1, "2 words but 1 tags");
        Path g = write(dir, "b.jsonl", "{\"tokens\": \"a b\", \"ner_tags\": [\"O\"]}\n");
        rowError(g, DEFAULTS, 1, "the word field 'tokens' is a string, not a list");
        Path h = write(dir, "c.jsonl", "{\"text\": \"a b\"}\n");
        fileError(h, DEFAULTS, "no word field", "[tokens, words]", "[text]");
    }

    @Test
    void csvIsNotATokenFormat() {
        fileError(resource("quoted.csv"), DEFAULTS, "must be CoNLL");
        fileError(resource("sample.conll"), DEFAULTS.withWordColumn(Column.named("word")), "no names");
    }
}

package dev.jbert.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.jbert.core.data.TestFiles.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The happy paths of every text format, the column choices and the label forms. */
class TextReaderTest {

    private static final TextReadOptions SINGLE = TextReadOptions.forTask(Task.SINGLE_LABEL);

    @Test
    void glueTsvKeepsAStrayQuoteAsText() {
        Dataset<TextExample> d = TextReader.read(resource("glue.tsv"), SINGLE);
        assertEquals(4, d.size(), "the trailing empty line is no row");
        assertEquals(List.of("0", "1"), d.labels().names());
        TextExample quoted = d.examples().get(2);
        assertEquals("the \" director 's cut \" is no better ", quoted.text(), "quotes are text, the trailing space kept");
        assertEquals(Label.classIndex(0), quoted.label());
        assertEquals(4, quoted.source().line(), "line 1 is the header");
        assertEquals(resource("glue.tsv"), quoted.source().file());
        assertFalse(quoted.hasPair());
        assertTrue(d.skipped().isEmpty());
    }

    @Test
    void quotedCsvWithCommasNewlinesAndDoubledQuotes() {
        Dataset<TextExample> d = TextReader.read(resource("quoted.csv"), SINGLE);
        assertEquals(4, d.size());
        assertEquals(List.of("negative", "neutral", "positive"), d.labels().names(), "names sorted");
        assertEquals("Great phone, battery lasts for days", d.examples().get(0).text());
        assertEquals("Broke after a week.\nWould not buy again, sadly", d.examples().get(1).text());
        assertEquals("She said \"wow\", then left", d.examples().get(3).text());
        assertEquals(List.of(2L, 3L, 5L, 6L), d.examples().stream().map(e -> e.source().line()).toList(),
                "each record's first line, the two-line record counted as two");
        assertEquals(Label.classIndex(0), d.examples().get(1).label());
        assertEquals(Label.classIndex(2), d.examples().get(3).label());
    }

    @Test
    void jsonlWithLabelNamesSkipsBlankLines() {
        Dataset<TextExample> d = TextReader.read(resource("names.jsonl"), SINGLE);
        assertEquals(3, d.size());
        assertEquals(List.of("negative", "neutral", "positive"), d.labels().names());
        assertEquals(Label.classIndex(2), d.examples().get(0).label());
        assertEquals(4, d.examples().get(2).source().line(), "line 3 is blank");
    }

    @Test
    void jsonlMultiLabelFromListsAndDelimitedStrings() {
        Dataset<TextExample> d = TextReader.read(resource("multi.jsonl"), TextReadOptions.forTask(Task.MULTI_LABEL));
        assertEquals(List.of("confusion", "gratitude", "joy", "love", "surprise"), d.labels().names());
        assertEquals(Label.classSet(List.of(1, 2)), d.examples().get(0).label());
        assertEquals(Label.classSet(List.of()), d.examples().get(2).label(), "an empty list is a valid multi-label label");
        assertEquals(Label.classSet(List.of(3, 4)), d.examples().get(3).label(), "'surprise,love' split on the delimiter");
    }

    @Test
    void headerlessTsvByColumnIndexWithMultiLabelIds() {
        TextReadOptions o = TextReadOptions.forTask(Task.MULTI_LABEL).withHeader(HeaderRow.ABSENT)
                .withTextColumn(Column.at(0)).withLabelColumn(Column.at(1));
        Dataset<TextExample> d = TextReader.read(resource("noheader.tsv"), o);
        assertEquals(3, d.size(), "no row is taken for a header");
        assertEquals(List.of("4", "25", "27"), d.labels().names(), "ids sorted numerically");
        assertEquals(Label.classSet(List.of(2)), d.examples().get(0).label());
        assertEquals(Label.classSet(List.of(0, 2)), d.examples().get(1).label());
        assertEquals("You know the answer man, \"you are\" programmed!", d.examples().get(1).text());
        assertEquals(1, d.examples().get(0).source().line());
    }

    @Test
    void givenNamesResolveIdsAsGoEmotionsWritesThem() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 28; i++) names.add("emotion" + i);
        TextReadOptions o = TextReadOptions.forTask(Task.MULTI_LABEL).withHeader(HeaderRow.ABSENT)
                .withTextColumn(Column.at(0)).withLabelColumn(Column.at(1)).withLabels(LabelSet.of(names));
        Dataset<TextExample> d = TextReader.read(resource("noheader.tsv"), o);
        assertEquals(28, d.labels().size());
        assertEquals(Label.classSet(List.of(4, 27)), d.examples().get(1).label());
    }

    @Test
    void pairsFoundBySentence1AndSentence2() {
        Dataset<TextExample> d = TextReader.read(resource("pairs.tsv"), SINGLE);
        assertEquals(3, d.size());
        TextExample e = d.examples().get(1);
        assertEquals("The cat sat on the mat.", e.text());
        assertEquals("No animal is in the room.", e.textPair());
        assertEquals(List.of("entailment", "not_entailment"), d.labels().names());
        assertEquals(Label.classIndex(1), e.label());
    }

    @Test
    void pairColumnCanBeSwitchedOff() {
        Dataset<TextExample> d = TextReader.read(resource("pairs.tsv"), SINGLE.withPairColumn(Column.none()));
        assertFalse(d.examples().get(0).hasPair());
    }

    @Test
    void regressionLabelsAreNumbers() {
        TextReadOptions o = TextReadOptions.forTask(Task.REGRESSION).withLabelColumn(Column.named("score"));
        Dataset<TextExample> d = TextReader.read(resource("stsb.tsv"), o);
        assertNull(d.labels(), "regression has no label set");
        assertFalse(d.hasLabelSet());
        assertEquals(Label.value(3.8), d.examples().get(1).label());
        assertEquals(Label.value(0.25), d.examples().get(2).label());
        assertEquals("An air plane is taking off.", d.examples().get(0).textPair());
    }

    @Test
    void predictionIgnoresLabels() {
        Dataset<TextExample> d = TextReader.read(resource("glue.tsv"), TextReadOptions.forPrediction(Task.SINGLE_LABEL));
        assertEquals(4, d.size());
        assertNull(d.labels());
        assertTrue(d.examples().stream().noneMatch(TextExample::isLabelled));
    }

    @Test
    void predictionNeedsNoLabelColumn(@TempDir Path dir) {
        Path noLabels = TestFiles.write(dir, "texts.jsonl", "{\"text\": \"hello\"}\n");
        Dataset<TextExample> d = TextReader.read(noLabels, TextReadOptions.forPrediction(Task.MULTI_LABEL));
        assertEquals("hello", d.examples().get(0).text());
    }

    @Test
    void validationReadAgainstTheTrainingLabels() {
        Dataset<TextExample> train = TextReader.read(resource("quoted.csv"), SINGLE);
        Dataset<TextExample> dev = TextReader.read(resource("names.jsonl"), SINGLE.withLabels(train.labels()));
        assertEquals(train.labels(), dev.labels());
        assertEquals(Label.classIndex(2), dev.examples().get(0).label(), "positive keeps the training id");
    }

    @Test
    void explicitFormatOverridesTheExtension(@TempDir Path dir) {
        Path sms = TestFiles.write(dir, "SMSSpamCollection", "ham\tOk lar...\r\nspam\tFree entry! \"Text\" now\r\n");
        TextReadOptions o = SINGLE.withFormat(DatasetFormat.TSV).withHeader(HeaderRow.ABSENT)
                .withTextColumn(Column.at(1)).withLabelColumn(Column.at(0));
        Dataset<TextExample> d = TextReader.read(sms, o);
        assertEquals(List.of("ham", "spam"), d.labels().names());
        assertEquals("Free entry! \"Text\" now", d.examples().get(1).text(), "CRLF line ends dropped");
    }

    @Test
    void jsonArrayOfObjects(@TempDir Path dir) {
        Path f = TestFiles.write(dir, "data.json", "\uFEFF[\n  {\"sentence\": \"first\", \"label\": 1},\n"
                + "  {\"sentence\": \"second\",\n   \"label\": 0}\n]\n");
        Dataset<TextExample> d = TextReader.read(f, SINGLE);
        assertEquals(List.of("first", "second"), d.examples().stream().map(TextExample::text).toList());
        assertEquals(List.of(2L, 3L), d.examples().stream().map(e -> e.source().line()).toList());
        assertEquals(Label.classIndex(1), d.examples().get(0).label());
    }

    @Test
    void byteOrderMarksAreNotPartOfTheFirstColumnName(@TempDir Path dir) {
        Path csv = TestFiles.write(dir, "a.csv", "\uFEFFtext,label\nhello,a\nbye,b\n");
        assertEquals("hello", TextReader.read(csv, SINGLE).examples().get(0).text());
        Path tsv = TestFiles.write(dir, "a.tsv", "\uFEFFtext\tlabel\nhello\ta\nbye\tb\n");
        assertEquals("bye", TextReader.read(tsv, SINGLE).examples().get(1).text());
    }

    @Test
    void columnsByIndexInAFileWithAHeader() {
        Dataset<TextExample> d = TextReader.read(resource("pairs.tsv"), SINGLE.withTextColumn(Column.at(2))
                .withPairColumn(Column.none()).withLabelColumn(Column.at(3)));
        assertEquals("A man plays music.", d.examples().get(0).text());
        assertEquals(3, d.size(), "the header is still no row");
    }

    @Test
    void formatFromExtension() {
        assertEquals(DatasetFormat.CSV, DatasetFormat.of(Path.of("a/b.CSV")));
        assertEquals(DatasetFormat.TSV, DatasetFormat.of(Path.of("train.tsv")));
        assertEquals(DatasetFormat.JSONL, DatasetFormat.of(Path.of("x.jsonl")));
        assertEquals(DatasetFormat.JSONL, DatasetFormat.of(Path.of("x.json")));
        assertEquals(DatasetFormat.CONLL, DatasetFormat.of(Path.of("dev.bio.txt")));
        assertEquals(DatasetFormat.CONLL, DatasetFormat.of(Path.of("x.conll")));
        assertEquals(DatasetFormat.CONLL, DatasetFormat.of(Path.of("x.bio")));
        assertEquals(DatasetFormat.JSONL, DatasetFormat.parse("json"));
        assertEquals(Task.TOKEN_CLASSIFICATION, Task.parse("token"));
        assertEquals(Task.MULTI_LABEL, Task.parse("multi-label"));
        assertEquals(Column.at(2), Column.parse("2"));
        assertEquals(Column.named("score"), Column.parse("score"));
    }
}

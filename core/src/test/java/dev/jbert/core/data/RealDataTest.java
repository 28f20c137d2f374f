package dev.jbert.core.data;

import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real datasets in {@code shared/data} beside the repository (or {@code -Djbert.data.dir=DIR}): not in
 * the repository, so each test is skipped, with the reason, where they are absent.
 */
class RealDataTest {

    private static Path data(String relative) {
        String configured = System.getProperty("jbert.data.dir");
        Path root = configured != null ? Path.of(configured) : Fixtures.repositoryRoot().resolveSibling("shared").resolve("data");
        Path file = root.resolve(relative);
        assumeTrue(Files.isRegularFile(file), file + " is absent (real data lives outside the repository; set -Djbert.data.dir)");
        return file;
    }

    @Test
    void sst2Dev() {
        Dataset<TextExample> d = TextReader.read(data("sst2/dev.tsv"), TextReadOptions.forTask(Task.SINGLE_LABEL));
        assertEquals(872, d.size());
        assertEquals(List.of("0", "1"), d.labels().names());
        assertTrue(d.skipped().isEmpty());
    }

    @Test
    void rteDevPairs() {
        Dataset<TextExample> d = TextReader.read(data("rte/dev.tsv"), TextReadOptions.forTask(Task.SINGLE_LABEL));
        assertEquals(277, d.size());
        assertEquals(List.of("entailment", "not_entailment"), d.labels().names());
        assertTrue(d.examples().stream().allMatch(TextExample::hasPair));
    }

    @Test
    void goEmotionsDevMultiLabel() {
        TextReadOptions o = TextReadOptions.forTask(Task.MULTI_LABEL).withHeader(HeaderRow.ABSENT)
                .withTextColumn(Column.at(0)).withLabelColumn(Column.at(1));
        Dataset<TextExample> d = TextReader.read(data("goemotions/dev.tsv"), o);
        assertEquals(5426, d.size());
        assertEquals(28, d.labels().size());
        assertEquals("27", d.labels().name(27), "ids keep their numbers");
        LabelSet names = LabelSet.readNames(data("goemotions/emotions.txt"));
        Dataset<TextExample> named = TextReader.read(data("goemotions/dev.tsv"), o.withLabels(names));
        assertEquals("neutral", names.name(((Label.ClassSet) named.examples().get(0).label()).indices().get(0)));
        long twoOrMore = named.examples().stream().filter(e -> ((Label.ClassSet) e.label()).indices().size() >= 2).count();
        assertEquals(809 + 62 + 7, twoOrMore, "dev rows with 2, 3 and 4 labels (SOURCE.md)");
    }

    @Test
    void conllDev() {
        Dataset<TokenExample> d = TokenReader.read(data("conll2003/dev.bio.txt"), TokenReadOptions.defaults());
        assertEquals(3250, d.size());
        assertEquals(51362, d.examples().stream().mapToInt(TokenExample::size).sum());
        assertEquals(List.of("B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"), d.labels().names());
    }

    @Test
    void stsbDevRegression() {
        TextReadOptions o = TextReadOptions.forTask(Task.REGRESSION).withLabelColumn(Column.named("score"));
        Dataset<TextExample> d = TextReader.read(data("stsb/dev.tsv"), o);
        assertEquals(1500, d.size());
        assertTrue(d.examples().stream().allMatch(e -> e.hasPair() && e.label() instanceof Label.Value));
    }

    @Test
    void smsSpamWithoutHeader() {
        TextReadOptions o = TextReadOptions.forTask(Task.SINGLE_LABEL).withFormat(DatasetFormat.TSV)
                .withHeader(HeaderRow.ABSENT).withTextColumn(Column.at(1)).withLabelColumn(Column.at(0));
        Dataset<TextExample> d = TextReader.read(data("sms_spam/SMSSpamCollection"), o);
        assertEquals(5574, d.size());
        assertEquals(List.of("ham", "spam"), d.labels().names());
    }
}

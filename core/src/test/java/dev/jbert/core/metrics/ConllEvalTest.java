package dev.jbert.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConllEvalTest {

    private static final Pattern COUNTS = Pattern.compile(
            "processed (\\d+) tokens with (\\d+) phrases; found: (\\d+) phrases; correct: (\\d+)\\.\n");

    private static JsonNode nerCase(int index) {
        return MetricFixtures.json("ner_metrics.json").get("cases").get(index);
    }

    private static NerReport evaluate(JsonNode c) {
        return ConllEval.evaluate(MetricFixtures.sentences(c.get("gold")), MetricFixtures.sentences(c.get("pred")));
    }

    /** Our value as conlleval prints it must equal the two-decimal number the fixture holds. */
    private static void assertPrinted(JsonNode expected, double actual, String what) {
        assertEquals(0, expected.decimalValue().compareTo(NerReport.printed(actual)),
                what + ": expected " + expected + ", found " + actual);
    }

    @ParameterizedTest(name = "ner case {0}")
    @ValueSource(ints = {0, 1, 2})
    void overallScoresMatchConlleval(int index) {
        JsonNode c = nerCase(index);
        NerReport report = evaluate(c);
        assertPrinted(c.get("token_accuracy"), report.tokenAccuracy(), "accuracy");
        assertPrinted(c.get("precision"), report.precision(), "precision");
        assertPrinted(c.get("recall"), report.recall(), "recall");
        assertPrinted(c.get("f1"), report.f1(), "f1");
    }

    @ParameterizedTest(name = "ner case {0}")
    @ValueSource(ints = {0, 1, 2})
    void perTypeScoresMatchConlleval(int index) {
        JsonNode c = nerCase(index);
        NerReport report = evaluate(c);
        JsonNode expected = c.get("per_type");
        assertEquals(expected.size(), report.perType().size());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ChunkCounts actual = report.perType().get(e.getKey());
            assertPrinted(e.getValue().get("precision"), actual.precision(), e.getKey() + " precision");
            assertPrinted(e.getValue().get("recall"), actual.recall(), e.getKey() + " recall");
            assertPrinted(e.getValue().get("f1"), actual.f1(), e.getKey() + " f1");
            assertEquals(e.getValue().get("found").asInt(), actual.guessed(), e.getKey() + " found");
        }
    }

    static Stream<Arguments> allConllevalOutputs() {
        JsonNode fixture = MetricFixtures.json("ner_metrics.json").get("cases");
        JsonNode extra = MetricFixtures.json("conlleval_extra_cases.json").get("cases");
        return Stream.concat(
                IntStream.range(0, fixture.size()).mapToObj(i -> Arguments.of("ner_metrics " + i, fixture.get(i))),
                IntStream.range(0, extra.size()).mapToObj(i -> Arguments.of(extra.get(i).get("name").asText(),
                        extra.get(i))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allConllevalOutputs")
    void printsExactlyWhatConllevalPrints(String name, JsonNode c) {
        assertEquals(c.get("conlleval_output").asText(), evaluate(c).toConllevalString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allConllevalOutputs")
    void rawCountsMatchConlleval(String name, JsonNode c) {
        Matcher m = COUNTS.matcher(c.get("conlleval_output").asText());
        assertTrue(m.lookingAt());
        NerReport report = evaluate(c);
        assertEquals(Integer.parseInt(m.group(1)), report.tokens(), "tokens");
        assertEquals(new ChunkCounts(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))), report.overall());
    }

    @Test
    void roundsExactTiesToEvenAsPerlPrintfDoes() {
        // perl 5.36: printf "%.2f %.2f %.2f %.2f %.2f", 0.125, 0.375, 1.005, 12.625, 2.675
        // prints 0.12 0.38 1.00 12.62 2.67 (1.005 and 2.675 are stored just below the tie)
        assertEquals("0.12", NerReport.printed(0.125).toPlainString());
        assertEquals("0.38", NerReport.printed(0.375).toPlainString());
        assertEquals("1.00", NerReport.printed(1.005).toPlainString());
        assertEquals("12.62", NerReport.printed(12.625).toPlainString());
        assertEquals("2.67", NerReport.printed(2.675).toPlainString());
        assertEquals("100.00", NerReport.printed(100).toPlainString());
    }

    @Test
    void insideTagAfterOutsideStartsAChunk() {
        // The guess "I-PER I-PER" after O is a chunk with the gold chunk's span and type, so it is correct;
        // the lone I-LOC is a one-token LOC chunk that gold does not have.
        NerReport report = ConllEval.evaluate(
                List.of(List.of("O", "B-PER", "I-PER", "O", "O")),
                List.of(List.of("O", "I-PER", "I-PER", "O", "I-LOC")));
        assertEquals(new ChunkCounts(1, 1, 1), report.perType().get("PER"));
        assertEquals(new ChunkCounts(0, 1, 0), report.perType().get("LOC"));
        assertEquals(new ChunkCounts(1, 2, 1), report.overall());
        assertEquals(3, report.correctTags());
        assertEquals(50.0, report.precision());
        assertEquals(100.0, report.recall());
        assertEquals(2 * 50.0 * 100.0 / 150.0, report.f1());
        assertEquals(60.0, report.metric("token_accuracy"));
        assertEquals(report.f1(), report.metric("entity_f1"));
    }

    @Test
    void aTypeChangeInsideAnEntitySplitsIt() {
        // B-PER I-LOC is two chunks for conlleval: PER (one token) and LOC (starting at the I- tag)
        NerReport report = ConllEval.evaluate(List.of(List.of("B-PER", "I-PER")), List.of(List.of("B-PER", "I-LOC")));
        assertEquals(new ChunkCounts(1, 1, 0), report.perType().get("PER"));
        assertEquals(new ChunkCounts(0, 1, 0), report.perType().get("LOC"));
    }

    @Test
    void sentenceBoundariesEndEntities() {
        // I-PER opening the second sentence starts a new chunk; gold has one there too
        NerReport report = ConllEval.evaluate(
                List.of(List.of("B-PER"), List.of("B-PER")),
                List.of(List.of("B-PER"), List.of("I-PER")));
        assertEquals(new ChunkCounts(2, 2, 2), report.overall());
    }
}

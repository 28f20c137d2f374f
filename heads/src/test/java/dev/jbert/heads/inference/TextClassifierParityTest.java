package dev.jbert.heads.inference;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.Entity;
import dev.jbert.heads.predict.TokenPrediction;
import dev.jbert.heads.predict.TokenSpan;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API against transformers' logits for the fixtures' own inputs (reference.json): every
 * probability and value within 1e-5 of what the reference logits give.
 */
class TextClassifierParityTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void singleLabelProbabilitiesMatchTheSoftmaxOfTheReferenceLogits() {
        JsonNode ref = Reference.of("seq-cls");
        try (TextClassifier classifier = Reference.load("seq-cls")) {
            assertEquals(Task.SINGLE_LABEL, classifier.info().task());
            List<String> labels = classifier.info().labels();
            assertEquals(Fixtures.labels("seq-cls"), labels);
            List<String> texts = Reference.texts(ref);
            List<Integer> singles = new ArrayList<>();
            List<TextPair> pairs = new ArrayList<>();
            List<Integer> pairIndices = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                String pair = Reference.pair(ref, i);
                if (pair == null) singles.add(i);
                else {
                    pairs.add(new TextPair(texts.get(i), pair));
                    pairIndices.add(i);
                }
            }
            assertFalse(pairs.isEmpty(), "the fixture holds pairs");
            List<Classification> batch = classifier.classifyBatch(singles.stream().map(texts::get).toList());
            List<Classification> pairResults = classifier.classifyPairs(pairs);
            for (int k = 0; k < singles.size(); k++) assertSingleLabel(ref, singles.get(k), labels, batch.get(k));
            for (int k = 0; k < pairs.size(); k++) assertSingleLabel(ref, pairIndices.get(k), labels, pairResults.get(k));
            // one at a time, through the other entry points, gives the same
            assertSingleLabel(ref, 0, labels, classifier.classify(texts.get(0)));
            assertSingleLabel(ref, pairIndices.get(0), labels, classifier.classify(pairs.get(0).text(), pairs.get(0).pair()));
            assertSingleLabel(ref, 1, labels, classifier.classifyAsync(texts.get(1)).join());
        }
    }

    /**
     * Loaded in bf16 or int8 (where the CPU has the instructions), the API serves logits within the precision tests'
     * tolerances of the reference ({@code PrecisionParityTest}: 0.10 and 0.15 of the largest logit), from the weights'
     * copies alone once it has freed their float32 masters.
     */
    @Test
    void lowerPrecisionsServeLogitsNearTheReference() {
        JsonNode ref = Reference.of("seq-cls");
        List<String> texts = Reference.texts(ref);
        double scale = 0;
        for (int i = 0; i < texts.size(); i++) for (double v : Reference.row(ref.get("logits"), i)) scale = Math.max(scale, Math.abs(v));
        for (dev.jbert.core.nn.Precision p : List.of(dev.jbert.core.nn.Precision.BF16, dev.jbert.core.nn.Precision.INT8)) {
            if (!dev.jbert.core.nn.PrecisionSupport.supported(p)) continue;
            double tolerance = (p == dev.jbert.core.nn.Precision.BF16 ? 0.10 : 0.15) * scale;
            try (TextClassifier classifier = TextClassifier.load(Fixtures.folder("seq-cls"),
                    InferenceOptions.defaults().withMaxLength(Reference.maxLength("seq-cls")).withPrecision(p))) {
                for (int i = 0; i < texts.size(); i++) {
                    if (Reference.pair(ref, i) != null) continue;
                    double[] logits = Reference.row(ref.get("logits"), i);
                    List<Double> got = classifier.classify(texts.get(i)).asSingleLabel().logits();
                    for (int c = 0; c < logits.length; c++) assertEquals(logits[c], got.get(c), tolerance, p.flag() + " input " + i);
                }
            }
        }
    }

    private static void assertSingleLabel(JsonNode ref, int i, List<String> labels, Classification result) {
        double[] expected = Reference.softmax(Reference.row(ref.get("logits"), i));
        Classification.SingleLabel s = result.asSingleLabel();
        for (int c = 0; c < labels.size(); c++) {
            assertEquals(expected[c], s.probabilities().get(labels.get(c)), TOLERANCE, "input " + i + ", " + labels.get(c));
        }
        int best = Reference.argmax(expected);
        assertEquals(labels.get(best), s.label(), "input " + i);
        assertEquals(expected[best], s.score(), TOLERANCE);
        double[] logits = Reference.row(ref.get("logits"), i);
        for (int c = 0; c < logits.length; c++) assertEquals(logits[c], s.logits().get(c), TOLERANCE);
    }

    @Test
    void multiLabelProbabilitiesAndDecisionsMatchTheReference() {
        JsonNode ref = Reference.of("multi-label");
        try (TextClassifier classifier = Reference.load("multi-label")) {
            assertEquals(Task.MULTI_LABEL, classifier.info().task());
            List<String> labels = classifier.info().labels();
            List<Classification> results = classifier.classifyBatch(Reference.texts(ref));
            for (int i = 0; i < results.size(); i++) {
                Classification.MultiLabel m = results.get(i).asMultiLabel();
                double[] logits = Reference.row(ref.get("logits"), i);
                int[] predicted = Fixtures.ints(ref.get("predictions_at_0.5").get(i));
                List<String> expectedLabels = new ArrayList<>();
                for (int c = 0; c < labels.size(); c++) {
                    assertEquals(Reference.sigmoid(logits[c]), m.probabilities().get(labels.get(c)), TOLERANCE, "input " + i);
                    assertEquals(0.5, m.thresholds().get(labels.get(c)));
                    if (predicted[c] == 1) expectedLabels.add(labels.get(c));
                }
                assertEquals(expectedLabels, m.labels(), "input " + i);
            }
        }
    }

    @Test
    void savedPerClassThresholdsDecideMultiLabelPredictions(@TempDir Path dir) throws IOException {
        Path source = Fixtures.folder("multi-label");
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json")) {
            Files.copy(source.resolve(f), dir.resolve(f));
        }
        Map<String, Double> thresholds = new LinkedHashMap<>(Map.of("politics", 0.3, "economics", 0.9, "entertainment", 0.65));
        Files.writeString(dir.resolve("thresholds.json"), "{\"politics\": 0.3, \"economics\": 0.9, \"entertainment\": 0.65}");
        JsonNode ref = Reference.of("multi-label");
        try (TextClassifier classifier = TextClassifier.load(dir,
                InferenceOptions.defaults().withMaxLength(Reference.maxLength("multi-label")))) {
            List<String> labels = classifier.info().labels();
            assertEquals(0.9, classifier.info().thresholds().get("economics"));
            assertEquals(0.5, classifier.info().thresholds().get("technology"));
            List<Classification> results = classifier.classifyBatch(Reference.texts(ref));
            for (int i = 0; i < results.size(); i++) {
                Classification.MultiLabel m = results.get(i).asMultiLabel();
                double[] logits = Reference.row(ref.get("logits"), i);
                List<String> expected = new ArrayList<>();
                for (int c = 0; c < labels.size(); c++) {
                    double t = thresholds.getOrDefault(labels.get(c), 0.5);
                    assertEquals(t, m.thresholds().get(labels.get(c)));
                    if (Reference.sigmoid(logits[c]) > t) expected.add(labels.get(c));
                }
                assertEquals(expected, m.labels(), "input " + i);
            }
        }
        // a global threshold from the options overrides the saved ones
        try (TextClassifier classifier = TextClassifier.load(dir, InferenceOptions.defaults().withThreshold(0.7))) {
            assertTrue(classifier.info().thresholds().values().stream().allMatch(t -> t == 0.7));
        }
    }

    @Test
    void pairRegressionValuesMatchTheReferenceLogits() {
        JsonNode ref = Reference.of("pair-regression");
        try (TextClassifier classifier = Reference.load("pair-regression")) {
            assertEquals(Task.REGRESSION, classifier.info().task());
            assertTrue(classifier.info().acceptsPairs());
            List<String> texts = Reference.texts(ref);
            List<TextPair> pairs = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) pairs.add(new TextPair(texts.get(i), Reference.pair(ref, i)));
            List<Classification> results = classifier.classifyPairs(pairs);
            for (int i = 0; i < pairs.size(); i++) {
                double expected = Reference.row(ref.get("logits"), i)[0];
                assertEquals(expected, results.get(i).asRegression().value(), TOLERANCE, "pair " + i);
                assertEquals(expected, classifier.classify(texts.get(i), Reference.pair(ref, i)).asRegression().value(), TOLERANCE);
            }
        }
    }

    @Test
    void tokenLabelsMatchTheReferenceArgmaxAndEntitiesCarryOffsets() {
        JsonNode ref = Reference.of("token-cls");
        JsonNode inputs = ref.get("inputs_continuation_I");
        Set<String> types = Set.of("PER", "ORG", "LOC", "MISC");
        try (TextClassifier classifier = Reference.load("token-cls")) {
            assertEquals(Task.TOKEN_CLASSIFICATION, classifier.info().task());
            assertFalse(classifier.info().acceptsPairs());
            List<String> labels = classifier.info().labels();
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode input = inputs.get(i);
                List<String> words = new ArrayList<>();
                input.get("words").forEach(w -> words.add(w.asText()));
                String text = String.join(" ", words);
                List<String> refTokens = new ArrayList<>();
                input.get("tokens").forEach(t -> refTokens.add(t.asText()));
                int real = java.util.Arrays.stream(Fixtures.ints(input.get("attention_mask"))).sum();

                Entities result = classifier.entities(text, AggregationStrategy.FIRST);
                assertEquals(text, result.text());
                assertFalse(result.truncated());
                // every token between [CLS] and [SEP], O included, labelled with the reference's argmax
                List<TokenPrediction> tokens = result.tokens();
                assertEquals(real - 2, tokens.size(), "tokens of input " + i);
                for (int k = 0; k < tokens.size(); k++) {
                    TokenPrediction token = tokens.get(k);
                    int position = k + 1;
                    assertEquals(position, token.index());
                    String expectedToken = refTokens.get(position);
                    if (!expectedToken.equals("[UNK]")) assertEquals(expectedToken, token.word(), "input " + i);
                    double[] logits = Reference.row(ref.get("logits").get(i), position);
                    double[] p = Reference.softmax(logits);
                    int best = Reference.argmax(p);
                    assertEquals(labels.get(best), token.entity(), "input " + i + " token " + position);
                    assertEquals(p[best], token.score(), TOLERANCE);
                    assertTrue(token.end() > token.start());
                }
                // entities: a type, the text they cover, and (FIRST) the type of the reference's first-subword tag of
                // every word they start at
                assertFalse(result.entities().isEmpty());
                for (TokenSpan span : result.entities()) {
                    Entity e = (Entity) span;
                    assertTrue(types.contains(e.entityGroup()), e.entityGroup());
                    assertEquals(text.substring(e.start(), e.end()), e.word());
                }
                int[] wordIds = wordIds(input.get("word_ids"));
                JsonNode tags = ref.get("predicted_tags_first_subword").get(i);
                int tag = 0;
                int lastWord = -1;
                for (int position = 1; position < real - 1; position++) {
                    if (wordIds[position] == lastWord) continue;
                    lastWord = wordIds[position];
                    String expectedType = tags.get(tag++).asText().substring(2);
                    int start = tokens.get(position - 1).start();
                    Entity covering = result.entities().stream().map(Entity.class::cast)
                            .filter(e -> e.start() <= start && start < e.end()).findFirst().orElseThrow();
                    assertEquals(expectedType, covering.entityGroup(), "input " + i + " word " + lastWord);
                }
                assertEquals(tags.size(), tag);
            }
            // NONE: single tokens with full labels, O left out
            Entities none = classifier.entities("EU rejects German call", AggregationStrategy.NONE);
            assertTrue(none.entities().stream().allMatch(s -> s instanceof TokenPrediction && !s.label().equals("O")));
        }
    }

    private static int[] wordIds(JsonNode ids) {
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i).isNull() ? -1 : ids.get(i).asInt();
        return out;
    }
}

package dev.jbert.heads.inference;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.RandomWeights;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.EncoderClassifier;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input, the wrong method for the task, truncation, and folders that are not classifiers. */
class TextClassifierErrorsTest {

    private static TextClassifier sequence;
    private static TextClassifier tokens;

    @BeforeAll
    static void load() {
        sequence = TextClassifier.load(Fixtures.folder("seq-cls"));
        tokens = TextClassifier.load(Fixtures.folder("token-cls"));
    }

    @AfterAll
    static void close() {
        sequence.close();
        tokens.close();
    }

    @Test
    void nullAndEmptyTextAreRefused() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classify(null)), "text must not be null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classify("")), "empty");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classify(" \t\n")), "empty");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classify("fine", "")), "pair is empty");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classify("fine", null)), "pair must not be null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classifyAsync(null)), "text must not be null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classifyBatch(Arrays.asList("ok", null))), "texts[1]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sequence.classifyBatch(List.of("ok", ""))), "texts[1] is empty");
        assertThrows(IllegalArgumentException.class, () -> sequence.classifyBatch(null));
        assertThrows(IllegalArgumentException.class, () -> new TextPair("a", null));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokens.entities(null)), "text must not be null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokens.entities("  ")), "empty");
        assertThrows(IllegalArgumentException.class, () -> tokens.entities("Paris", null));
        assertEquals(0, sequence.stats().queued(), "refused requests take no place in the queue");
    }

    @Test
    void aPairForATokenModelIsRefused() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokens.classify("EU rejects", "German call")), "no text pair");
        assertFalse(tokens.info().acceptsPairs());
    }

    @Test
    void theWrongMethodForTheTaskNamesTheRightOne() {
        assertMessage(assertThrows(UnsupportedOperationException.class, () -> sequence.entities("Paris")), "classify(text)");
        assertMessage(assertThrows(UnsupportedOperationException.class, () -> sequence.entitiesBatch(List.of("Paris"),
                AggregationStrategy.SIMPLE)), "classify(text)");
        assertMessage(assertThrows(UnsupportedOperationException.class, () -> tokens.classify("Paris")), "entities(text)");
        assertMessage(assertThrows(UnsupportedOperationException.class, () -> tokens.classifyBatch(List.of("Paris"))), "entities(text)");
        assertThrows(IllegalStateException.class, () -> sequence.classify("good").asRegression());
    }

    @Test
    void longInputsAreTruncatedAndSaySo() {
        int maxLength = Fixtures.maxLength("seq-cls");
        String longText = "the movie was good and ".repeat(maxLength); // five words for every position the model has
        assertEquals(maxLength, sequence.info().maxLength(), "min(model_max_length, max_position_embeddings)");
        assertTrue(sequence.classify(longText).truncated());
        assertFalse(sequence.classify("the movie was good").truncated());
        assertTrue(sequence.classify("short", longText).truncated());
        List<Classification> batch = sequence.classifyBatch(List.of("short", longText));
        assertFalse(batch.get(0).truncated());
        assertTrue(batch.get(1).truncated());

        int tokenMaxLength = Fixtures.maxLength("token-cls");
        String longNames = "Angela Merkel met Emmanuel Macron in Paris . ".repeat(tokenMaxLength);
        Entities entities = tokens.entities(longNames);
        assertTrue(entities.truncated());
        assertEquals(tokenMaxLength - specialTokens(), entities.tokens().size(), "the position limit less the special tokens");
        assertFalse(tokens.entities("Angela Merkel met Emmanuel Macron").truncated());

        try (TextClassifier shorter = TextClassifier.load(Fixtures.folder("seq-cls"), InferenceOptions.defaults().withMaxLength(6))) {
            assertEquals(6, shorter.info().maxLength());
            assertTrue(shorter.classify("one two three four five").truncated());
            assertFalse(shorter.classify("one two three four").truncated());
        }
    }

    /** How many special tokens transformers added to the token fixture's first sentence ([CLS] and [SEP] for BERT). */
    private static int specialTokens() {
        JsonNode example = Fixtures.reference("token-cls").get("inputs_continuation_I").get(0);
        int specials = 0;
        for (int i = 0; i < example.get("word_ids").size(); i++) {
            if (example.get("word_ids").get(i).isNull() && example.get("attention_mask").get(i).asInt() == 1) specials++;
        }
        return specials;
    }

    @Test
    void badOptionsAreRefusedAndALengthBeyondTheModelIsCapped() {
        int maxLength = Fixtures.maxLength("seq-cls");
        try (TextClassifier capped = TextClassifier.load(Fixtures.folder("seq-cls"), InferenceOptions.defaults().withMaxLength(maxLength + 1))) {
            assertEquals(maxLength, capped.info().maxLength());
        }
        assertThrows(IllegalArgumentException.class, () -> InferenceOptions.defaults().withMaxBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> InferenceOptions.defaults().withQueueCapacity(4));
        assertThrows(IllegalArgumentException.class, () -> InferenceOptions.defaults().withThreshold(1.0));
        assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(null));
    }

    @Test
    void foldersThatAreNotFineTunedClassifiersAreRefused(@TempDir Path dir) throws IOException {
        // the pretrained encoder: no labels
        assertThrows(ModelFileException.class, () -> TextClassifier.load(Fixtures.folder("base")));
        // labels, but the weights have no trained head
        Path base = Fixtures.folder("base");
        for (String f : List.of("model.safetensors", "vocab.txt", "tokenizer_config.json")) Files.copy(base.resolve(f), dir.resolve(f));
        Files.copy(Fixtures.folder("seq-cls").resolve("config.json"), dir.resolve("config.json"));
        assertMessage(assertThrows(ModelFileException.class, () -> TextClassifier.load(dir)), "no trained classification head");
        assertThrows(ModelFileException.class, () -> TextClassifier.load(dir.resolve("missing")));
    }

    @Test
    void anEmbeddingTableLargerThanTheVocabularyLoadsAndASmallerOneIsRefused(@TempDir Path dir) {
        Tokenizer tokenizer = Tokenizer.fromDirectory(Fixtures.folder("seq-cls"));
        // deberta-v3-base and ModernBERT-base pad their tables past the tokenizer's ids
        Path padded = save(tokenizer, tokenizer.size() + 64, dir.resolve("padded"));
        try (TextClassifier classifier = TextClassifier.load(padded)) {
            assertEquals(Fixtures.numLabels("seq-cls"), ((Classification.SingleLabel) classifier.classify("fine")).probabilities().size());
        }
        Path small = save(tokenizer, tokenizer.size() - 1, dir.resolve("small"));
        assertMessage(assertThrows(ModelFileException.class, () -> TextClassifier.load(small)), "rows of the word embedding table, is only");
    }

    private static Path save(Tokenizer tokenizer, int vocabSize, Path dir) {
        ObjectNode json = (ObjectNode) Fixtures.json(Fixtures.folder("seq-cls").resolve("config.json")).deepCopy();
        json.put("vocab_size", vocabSize);
        EncoderConfig config = EncoderConfig.fromJson(json);
        ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.labels("seq-cls"));
        EncoderClassifier graph = EncoderClassifier.build(config, new RandomWeights(1, 0.02), spec, 1);
        new ClassifierModel(graph, tokenizer, name -> true).save(dir);
        graph.free();
        return dir;
    }

    @Test
    void useAfterCloseIsRefused() {
        TextClassifier classifier = TextClassifier.load(Fixtures.folder("token-cls"));
        assertFalse(classifier.entities("Angela Merkel").tokens().isEmpty());
        classifier.close();
        assertMessage(assertThrows(IllegalStateException.class, () -> classifier.entities("Angela Merkel")), "closed");
        assertThrows(IllegalStateException.class, () -> classifier.entitiesAsync("Angela Merkel", AggregationStrategy.FIRST));
        assertEquals("token-cls", classifier.info().folder().getFileName().toString(), "info stays readable");
    }

    @Test
    void modelInfoDescribesTheModel() {
        ModelInfo info = sequence.info();
        JsonNode config = Fixtures.config("seq-cls");
        assertEquals(Fixtures.labels("seq-cls"), info.labels());
        assertTrue(info.acceptsPairs());
        assertEquals(config.get("hidden_size").asInt(), info.hiddenSize());
        assertEquals(config.get("num_hidden_layers").asInt(), info.numHiddenLayers());
        assertEquals(config.get("num_attention_heads").asInt(), info.numAttentionHeads());
        assertEquals(config.get("vocab_size").asInt(), info.vocabSize());
        assertTrue(info.lowerCase());
        assertFalse(tokens.info().lowerCase(), "the token fixture is cased");
        assertTrue(info.thresholds().isEmpty());
    }

    @Test
    void noNd4jTypeInThePublicApi() {
        List<Class<?>> api = List.of(TextClassifier.class, InferenceOptions.class, Classification.class,
                Classification.SingleLabel.class, Classification.MultiLabel.class, Classification.Regression.class,
                Entities.class, ModelInfo.class, InferenceStats.class, TextPair.class);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : api) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) continue;
                List<Type> types = new ArrayList<>(Arrays.asList(m.getGenericParameterTypes()));
                types.add(m.getGenericReturnType());
                for (Type t : types) if (t.getTypeName().contains("org.nd4j")) leaks.add(c.getSimpleName() + "." + m.getName());
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    if (rc.getGenericType().getTypeName().contains("org.nd4j")) leaks.add(c.getSimpleName() + "." + rc.getName());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static void assertMessage(Throwable e, String part) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}

package dev.jbert.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches against what transformers computed for the fixtures (inputs padded to the reference's length, labels in
 * each task's layout), and dynamic padding to each batch's longest example.
 */
class EncodedDatasetTest {

    private static final Tokenizer UNCASED = Tokenizer.fromDirectory(Fixtures.folder("seq-cls"));
    private static final Tokenizer CASED = Tokenizer.fromDirectory(Fixtures.folder("token-cls"));
    private static final List<String> NER_TAGS = Fixtures.labels("token-cls");

    private static JsonNode reference(String folder) {
        return Fixtures.reference(folder);
    }

    /** Padded and truncated as transformers did for the reference. */
    private static EncodeOptions asTheReference(JsonNode inputs) {
        return EncodeOptions.fixedLength(Fixtures.paddedLength(inputs));
    }

    /** How many tokens each reference input has before padding. */
    private static int[] unpaddedLengths(JsonNode inputs) {
        return Arrays.stream(Fixtures.ints(inputs, "attention_mask")).mapToInt(mask -> Arrays.stream(mask).sum()).toArray();
    }

    /** The fixture's texts with the given labels, one per input. */
    private static List<TextExample> texts(JsonNode inputs, List<Label> labels) {
        List<TextExample> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode in = inputs.get(i);
            String pair = in.get("text_pair").isNull() ? null : in.get("text_pair").asText();
            out.add(new TextExample(in.get("text").asText(), pair, labels.get(i), SourceLine.inMemory(i + 1)));
        }
        return out;
    }

    private static void assertInputs(JsonNode inputs, Batch batch) {
        assertArrayEquals(Fixtures.ints(inputs, "input_ids"), batch.inputIds());
        assertArrayEquals(Fixtures.ints(inputs, "token_type_ids"), batch.tokenTypeIds());
        assertArrayEquals(Fixtures.ints(inputs, "attention_mask"), batch.attentionMask());
    }

    @Test
    void singleLabelAndPairsMatchTransformers() {
        JsonNode ref = reference("seq-cls");
        List<Label> labels = new ArrayList<>();
        for (JsonNode l : ref.get("labels")) labels.add(Label.classIndex(l.asInt()));
        EncodedDataset d = EncodedDataset.ofText(texts(ref.get("inputs"), labels), Task.SINGLE_LABEL,
                LabelSet.of(Fixtures.labels("seq-cls")), UNCASED, asTheReference(ref.get("inputs")));
        List<Batch> batches = d.batches(ref.get("inputs").size());
        assertEquals(1, batches.size());
        assertInputs(ref.get("inputs"), batches.get(0));
        INDArray y = batches.get(0).labels();
        assertEquals(DataType.INT, y.dataType());
        assertArrayEquals(new long[]{ref.get("labels").size()}, y.shape());
        assertArrayEquals(Fixtures.ints(ref.get("labels")), y.toIntVector());
        assertArrayEquals(Fixtures.ints(ref.get("labels")), d.classIds());
    }

    @Test
    void dynamicPaddingPadsEachBatchToItsLongest() {
        JsonNode ref = reference("seq-cls");
        List<Label> none = new ArrayList<>();
        for (int i = 0; i < ref.get("inputs").size(); i++) none.add(Label.NONE);
        EncodedDataset d = EncodedDataset.ofText(texts(ref.get("inputs"), none), Task.SINGLE_LABEL, null, UNCASED,
                EncodeOptions.dynamicPadding(Fixtures.paddedLength(ref.get("inputs"))));
        List<Batch> batches = d.batches(4);
        int[] lengths = unpaddedLengths(ref.get("inputs"));
        List<Integer> sizes = new ArrayList<>(), longest = new ArrayList<>();
        for (int from = 0; from < lengths.length; from += 4) {
            int to = Math.min(lengths.length, from + 4);
            sizes.add(to - from);
            longest.add(Arrays.stream(lengths, from, to).max().orElseThrow());
        }
        assertEquals(sizes, batches.stream().map(Batch::size).toList(), "batches of 4, the last one holding the rest");
        assertEquals(longest, batches.stream().map(Batch::sequenceLength).toList());
        int[][] fixedIds = Fixtures.ints(ref.get("inputs"), "input_ids");
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            assertNull(batch.labels(), "unlabelled data has no labels");
            for (int r = 0; r < batch.size(); r++) {
                int example = 4 * b + r;
                int len = batch.sequenceLength();
                assertArrayEquals(Arrays.copyOf(fixedIds[example], len), batch.inputIds()[r],
                        "the same ids, padded less far (example " + example + ")");
                int real = d.encoding(example).length();
                for (int t = 0; t < len; t++) assertEquals(t < real ? 1 : 0, batch.attentionMask()[r][t]);
            }
        }
        assertEquals(lengths[0], d.encoding(0).length(), "encodings are kept unpadded");
        assertEquals(2, d.source(1).line(), "sources kept: the second example");
    }

    @Test
    void multiLabelIsMultiHotFloat() {
        JsonNode ref = reference("multi-label");
        List<Label> labels = new ArrayList<>();
        for (JsonNode row : ref.get("labels")) {
            List<Integer> on = new ArrayList<>();
            for (int c = 0; c < row.size(); c++) if (row.get(c).asDouble() == 1.0) on.add(c);
            labels.add(Label.classSet(on));
        }
        LabelSet names = LabelSet.of(Fixtures.labels("multi-label"));
        EncodedDataset d = EncodedDataset.ofText(texts(ref.get("inputs"), labels), Task.MULTI_LABEL, names, UNCASED,
                asTheReference(ref.get("inputs")));
        Batch batch = d.batches(ref.get("inputs").size()).get(0);
        assertInputs(ref.get("inputs"), batch);
        assertEquals(DataType.FLOAT, batch.labels().dataType());
        assertArrayEquals(new long[]{ref.get("inputs").size(), Fixtures.numLabels("multi-label")}, batch.labels().shape());
        assertArrayEquals(Fixtures.flatten(ref.get("labels")), batch.labels().reshape(-1).toDoubleVector());
    }

    @Test
    void regressionPairsAreFloatValues() {
        JsonNode ref = reference("pair-regression");
        List<Label> labels = new ArrayList<>();
        for (JsonNode v : ref.get("labels")) labels.add(Label.value(v.asDouble()));
        EncodedDataset d = EncodedDataset.ofText(texts(ref.get("inputs"), labels), Task.REGRESSION, null, UNCASED,
                asTheReference(ref.get("inputs")));
        Batch batch = d.batches(ref.get("inputs").size()).get(0);
        assertInputs(ref.get("inputs"), batch);
        assertEquals(DataType.FLOAT, batch.labels().dataType());
        assertArrayEquals(new long[]{ref.get("labels").size()}, batch.labels().shape());
        // float32 labels against the reference's decimals
        assertArrayEquals(Fixtures.flatten(ref.get("labels")), batch.labels().toDoubleVector(), 1e-6);
        assertTrue(d.encoding(2).truncated(), "the long pair was cut longest-first");
    }

    private static List<TokenExample> sentences(JsonNode inputs) {
        List<TokenExample> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            List<String> words = new ArrayList<>(), tags = new ArrayList<>();
            inputs.get(i).get("words").forEach(w -> words.add(w.asText()));
            inputs.get(i).get("tags").forEach(t -> tags.add(t.asText()));
            out.add(new TokenExample(words, tags, SourceLine.inMemory(i + 1)));
        }
        return out;
    }

    @Test
    void tokenLabelsOnFirstSubwordsMatchRunNer() {
        JsonNode inputs = reference("token-cls").get("inputs_continuation_ignore");
        EncodedDataset d = EncodedDataset.ofTokens(sentences(inputs), LabelSet.of(NER_TAGS), CASED,
                asTheReference(inputs), SubwordLabels.FIRST_SUBWORD);
        Batch batch = d.batches(inputs.size()).get(0);
        assertInputs(inputs, batch);
        assertEquals(DataType.INT, batch.labels().dataType());
        assertArrayEquals(new long[]{inputs.size(), Fixtures.paddedLength(inputs)}, batch.labels().shape());
        assertArrayEquals(Fixtures.ints(inputs, "labels"), batch.labels().toIntMatrix());
    }

    @Test
    void labelAllTokensTurnsBeginIntoInside() {
        JsonNode inputs = reference("token-cls").get("inputs_continuation_I");
        EncodedDataset d = EncodedDataset.ofTokens(sentences(inputs), LabelSet.of(NER_TAGS), CASED,
                asTheReference(inputs), SubwordLabels.ALL_SUBWORDS);
        Batch batch = d.batches(inputs.size()).get(0);
        assertInputs(inputs, batch);
        int[][] expected = Fixtures.ints(inputs, "labels");
        assertArrayEquals(expected, batch.labels().toIntMatrix());
        // "Mountainview" is B-LOC: its first piece 5 (B-LOC), "##view" 6 (I-LOC)
        assertEquals(5, expected[1][5]);
        assertEquals(6, expected[1][6]);
    }

    @Test
    void tokenLabelsWithDynamicPadding() {
        JsonNode inputs = reference("token-cls").get("inputs_continuation_ignore");
        EncodedDataset d = EncodedDataset.ofTokens(sentences(inputs), LabelSet.of(NER_TAGS), CASED,
                EncodeOptions.dynamicPadding(128), SubwordLabels.FIRST_SUBWORD);
        Batch batch = d.batches(2).get(1);
        int[][] fixed = Fixtures.ints(inputs, "labels");
        int[] lengths = unpaddedLengths(inputs);
        assertArrayEquals(new long[]{1, lengths[2]}, batch.labels().shape(), "the third sentence alone");
        assertArrayEquals(Arrays.copyOf(fixed[2], lengths[2]), batch.labels().toIntMatrix()[0]);
        Batch first = d.batches(2).get(0);
        assertEquals(Math.max(lengths[0], lengths[1]), first.sequenceLength());
        int[] second = first.labels().toIntMatrix()[1];
        for (int t = lengths[1]; t < first.sequenceLength(); t++) assertEquals(EncodedDataset.IGNORE_INDEX, second[t], "padding is ignored");
        assertArrayEquals(Arrays.copyOf(fixed[1], lengths[1]), d.tokenLabels(1));
    }

    @Test
    void truncatedTokenExamplesLoseTheirTail() {
        JsonNode inputs = reference("token-cls").get("inputs_continuation_ignore");
        EncodedDataset d = EncodedDataset.ofTokens(sentences(inputs), LabelSet.of(NER_TAGS), CASED,
                EncodeOptions.dynamicPadding(6), SubwordLabels.FIRST_SUBWORD);
        Batch batch = d.batches(3).get(0);
        assertEquals(6, batch.sequenceLength());
        int[] fixed = Fixtures.ints(inputs, "labels")[0];
        int[] expected = Arrays.copyOf(fixed, 6);
        expected[5] = EncodedDataset.IGNORE_INDEX;                                 // [SEP] now sits there
        assertArrayEquals(expected, batch.labels().toIntMatrix()[0]);
    }

    @Test
    void tokenPredictionKeepsWordIds() {
        List<TokenExample> words = List.of(new TokenExample(List.of("Peter", "Blackburn"), null, SourceLine.inMemory(1)));
        EncodedDataset d = EncodedDataset.ofTokens(words, null, CASED, EncodeOptions.dynamicPadding(32), SubwordLabels.FIRST_SUBWORD);
        assertNull(d.batches(8).get(0).labels());
        Encoding e = d.encoding(0);
        assertEquals(List.of("[CLS]", "Peter", "Black", "##burn", "[SEP]"), e.tokens());
        assertArrayEquals(new int[]{-1, 0, 1, 1, -1}, e.wordIds());
        // raw text for token prediction: the text's encoding carries character offsets
        EncodedDataset text = EncodedDataset.ofText(List.of(TextExample.unlabelled("Peter Blackburn", 1)),
                Task.TOKEN_CLASSIFICATION, null, CASED, EncodeOptions.dynamicPadding(32));
        assertEquals(6, text.encoding(0).offsets().get(2).start());
    }

    @Test
    void misuseIsRejected() {
        List<TextExample> mixed = List.of(new TextExample("a", null, Label.classIndex(0), SourceLine.inMemory(1)),
                TextExample.unlabelled("b", 2));
        LabelSet two = LabelSet.of(List.of("x", "y"));
        EncodeOptions o = EncodeOptions.dynamicPadding(16);
        assertThrows(IllegalArgumentException.class, () -> EncodedDataset.ofText(mixed, Task.SINGLE_LABEL, two, UNCASED, o));
        List<TextExample> values = List.of(new TextExample("a", null, Label.value(1.5), SourceLine.inMemory(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodedDataset.ofText(values, Task.SINGLE_LABEL, two, UNCASED, o));
        assertTrue(e.getMessage().contains("example 1"), e.getMessage());
        List<TextExample> outOfRange = List.of(new TextExample("a", null, Label.classIndex(2), SourceLine.inMemory(1)));
        assertThrows(IllegalArgumentException.class, () -> EncodedDataset.ofText(outOfRange, Task.SINGLE_LABEL, two, UNCASED, o));
        List<TokenExample> unknownTag = List.of(new TokenExample(List.of("a"), List.of("B-XYZ"), SourceLine.inMemory(1)));
        assertThrows(IllegalArgumentException.class,
                () -> EncodedDataset.ofTokens(unknownTag, LabelSet.of(NER_TAGS), CASED, o, SubwordLabels.FIRST_SUBWORD));
        EncodedDataset unlabelled = EncodedDataset.ofText(List.of(TextExample.unlabelled("b", 1)), Task.SINGLE_LABEL, null, UNCASED, o);
        assertThrows(IllegalStateException.class, unlabelled::classIds);
    }

    @Test
    void fingerprintFollowsDataAndSettings() {
        List<TextExample> a = List.of(new TextExample("good film", null, Label.classIndex(1), SourceLine.inMemory(1)),
                new TextExample("bad film", null, Label.classIndex(0), SourceLine.inMemory(2)));
        List<TextExample> b = List.of(new TextExample("good film", null, Label.classIndex(0), SourceLine.inMemory(1)),
                new TextExample("bad film", null, Label.classIndex(0), SourceLine.inMemory(2)));
        LabelSet labels = LabelSet.of(List.of("neg", "pos"));
        String fa = EncodedDataset.ofText(a, Task.SINGLE_LABEL, labels, UNCASED, EncodeOptions.dynamicPadding(16)).fingerprint();
        assertEquals(fa, EncodedDataset.ofText(a, Task.SINGLE_LABEL, labels, UNCASED, EncodeOptions.dynamicPadding(16)).fingerprint());
        assertNotEquals(fa, EncodedDataset.ofText(b, Task.SINGLE_LABEL, labels, UNCASED, EncodeOptions.dynamicPadding(16)).fingerprint(),
                "one label changed");
        assertNotEquals(fa, EncodedDataset.ofText(a, Task.SINGLE_LABEL, labels, UNCASED, EncodeOptions.dynamicPadding(32)).fingerprint(),
                "another max length");
        assertNotEquals(fa, EncodedDataset.ofText(a, Task.SINGLE_LABEL, LabelSet.of(List.of("n", "p")), UNCASED,
                EncodeOptions.dynamicPadding(16)).fingerprint(), "other label names");
    }
}

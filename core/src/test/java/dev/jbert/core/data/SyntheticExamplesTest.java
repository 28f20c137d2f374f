package dev.jbert.core.data;

import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Synthetic examples added to a training set: they follow the real ones, carry their loss weight into the batches
 * that hold them (and only those), are counted apart per label, and stay out of the class balance unless asked.
 */
class SyntheticExamplesTest {

    private static final Tokenizer TOKENIZER = Tokenizer.fromDirectory(Fixtures.folder("seq-cls"));
    private static final LabelSet LABELS = LabelSet.of(List.of("neg", "pos"));
    private static final EncodeOptions OPTIONS = EncodeOptions.dynamicPadding(32);

    /** {@code n} texts, the first {@code pos} of class 1. */
    private static List<TextExample> texts(String word, int n, int pos) {
        List<TextExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TextExample(word + " film " + "very ".repeat(i % 4), null, Label.classIndex(i < pos ? 1 : 0),
                    SourceLine.inMemory(i + 1)));
        }
        return out;
    }

    private static EncodedDataset encode(List<TextExample> examples) {
        return EncodedDataset.ofText(examples, Task.SINGLE_LABEL, LABELS, TOKENIZER, OPTIONS);
    }

    private static final List<TextExample> REAL = texts("good", 20, 2);
    private static final List<TextExample> GENERATED = texts("great", 6, 5);

    private static EncodedDataset withSynthetic(float weight) {
        return encode(REAL).withSynthetic(encode(GENERATED), weight);
    }

    @Test
    void syntheticExamplesFollowTheRealOnesAndAreCountedApart() {
        EncodedDataset data = withSynthetic(2.5f);
        assertEquals(26, data.size());
        assertEquals(20, data.realCount());
        assertEquals(6, data.syntheticCount());
        assertTrue(data.isSynthetic(20) && !data.isSynthetic(19));
        ExampleCounts counts = data.exampleCounts();
        assertEquals(List.of("neg", "pos"), counts.labels());
        assertArrayEquals(new long[]{18, 2}, counts.real());
        assertArrayEquals(new long[]{1, 5}, counts.synthetic());
        assertArrayEquals(new long[]{18, 2}, counts.forBalance(BalanceCounts.REAL));
        assertArrayEquals(new long[]{19, 7}, counts.forBalance(BalanceCounts.REAL_AND_SYNTHETIC));
        assertEquals(20, counts.examplesForBalance(BalanceCounts.REAL));
        assertEquals(26, counts.examplesForBalance(BalanceCounts.REAL_AND_SYNTHETIC));
        assertEquals(2.5f, counts.syntheticWeight());
    }

    @Test
    void onlyBatchesHoldingSyntheticExamplesCarryWeights() {
        EncodedDataset data = withSynthetic(2.5f);
        assertNull(data.batch(new int[]{0, 5, 19}).exampleWeights(), "real examples only: the unweighted loss");
        assertArrayEquals(new float[]{1f, 2.5f, 1f, 2.5f}, data.batch(new int[]{3, 20, 7, 25}).exampleWeights());
        assertNull(withSynthetic(1f).batch(new int[]{3, 20, 25}).exampleWeights(), "weight 1: the unweighted loss");
    }

    /** With weight 1 the batches are those of one file holding both, and no batch carries weights. */
    @Test
    void weightOneIsTheSameAsOneFile() {
        EncodedDataset added = withSynthetic(1f);
        List<TextExample> all = new ArrayList<>(REAL);
        all.addAll(GENERATED);
        EncodedDataset together = encode(all);
        int[] everything = IntStream.range(0, together.size()).toArray();
        Batch a = added.batch(everything), b = together.batch(everything);
        assertArrayEquals(b.inputIds(), a.inputIds());
        assertArrayEquals(b.attentionMask(), a.attentionMask());
        assertEquals(b.labels(), a.labels());
        assertNull(a.exampleWeights());
    }

    @Test
    void theFingerprintKnowsTheSyntheticExamplesAndTheirWeight() {
        String plain = encode(REAL).fingerprint();
        assertEquals(plain, encode(REAL).fingerprint());
        assertNotEquals(plain, withSynthetic(1f).fingerprint());
        assertNotEquals(withSynthetic(1f).fingerprint(), withSynthetic(2f).fingerprint());
    }

    @Test
    void overSamplingBalancesTheRealExamplesAndTakesEverySyntheticOneOnce() {
        EncodedDataset data = withSynthetic(2f);
        EpochBatches batches = EpochBatches.of(data, 4, Sampling.OVER, LengthGrouping.NONE, BalanceCounts.REAL);
        assertEquals(26, batches.samplesPerEpoch());
        int[] order = batches.order(0, 42);
        assertEquals(26, order.length);
        int[] synthetic = Arrays.stream(order).filter(data::isSynthetic).sorted().toArray();
        assertArrayEquals(IntStream.range(20, 26).toArray(), synthetic, "each synthetic example once");
        int[] drawn = Arrays.stream(order).filter(i -> !data.isSynthetic(i)).sorted().toArray();
        int[] alone = EpochBatches.of(encode(REAL), 4, Sampling.OVER).order(0, 42).clone();
        Arrays.sort(alone);
        assertArrayEquals(alone, drawn, "the real examples are drawn as without synthetic ones");
        assertEquals(List.of(4, 4, 4, 4, 4, 4, 2), batches.epoch(0, 42).stream().map(Batch::size).toList());
    }

    @Test
    void underSamplingCutsToTheRarestRealClassAndTakesEverySyntheticOneOnce() {
        EncodedDataset data = withSynthetic(2f);
        EpochBatches real = EpochBatches.of(data, 4, Sampling.UNDER, LengthGrouping.NONE, BalanceCounts.REAL);
        assertEquals(2 * 2 + 6, real.samplesPerEpoch(), "2 per real class, plus the 6 synthetic");
        EpochBatches all = EpochBatches.of(data, 4, Sampling.UNDER, LengthGrouping.NONE, BalanceCounts.REAL_AND_SYNTHETIC);
        assertEquals(2 * 7, all.samplesPerEpoch(), "the rarest class counts 7 with its synthetic examples");
        assertNotEquals(real.fingerprint(), all.fingerprint());
    }

    @Test
    void withoutSyntheticExamplesTheBalanceCountsChangeNothing() {
        EncodedDataset data = encode(REAL);
        for (Sampling s : Sampling.values()) {
            EpochBatches before = EpochBatches.of(data, 4, s, LengthGrouping.NONE);
            EpochBatches all = EpochBatches.of(data, 4, s, LengthGrouping.NONE, BalanceCounts.REAL_AND_SYNTHETIC);
            assertArrayEquals(before.order(1, 42), all.order(1, 42), s.name());
            assertEquals(before.fingerprint(), all.fingerprint(), s.name());
        }
    }

    @Test
    void badWeightsAreRefused() {
        for (float w : new float[]{0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withSynthetic(w));
            assertTrue(e.getMessage().contains("finite number > 0"), e.getMessage());
        }
        int[][] one = {{1, 2}};
        var labels = Nd4j.createFromArray(new int[]{0});
        assertThrows(IllegalArgumentException.class, () -> new Batch(one, one, one, labels, new float[]{0f}));
        assertThrows(IllegalArgumentException.class, () -> new Batch(one, one, one, labels, new float[]{Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new Batch(one, one, one, labels, new float[]{1f, 1f}));
    }

    @Test
    void mismatchedDataIsRefused() {
        EncodedDataset real = encode(REAL);
        EncodedDataset otherLabels = EncodedDataset.ofText(GENERATED, Task.SINGLE_LABEL, LabelSet.of(List.of("neg", "pos", "mixed")),
                TOKENIZER, OPTIONS);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> real.withSynthetic(otherLabels, 1f)).getMessage().contains("labels"));
        EncodedDataset padded = EncodedDataset.ofText(GENERATED, Task.SINGLE_LABEL, LABELS, TOKENIZER, EncodeOptions.fixedLength(32));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> real.withSynthetic(padded, 1f)).getMessage().contains("padded"));
        EncodedDataset twice = withSynthetic(2f);
        assertThrows(IllegalArgumentException.class, () -> twice.withSynthetic(encode(GENERATED), 2f));
        List<TextExample> values = List.of(new TextExample("a film", null, Label.value(0.5), SourceLine.inMemory(1)));
        EncodedDataset regression = EncodedDataset.ofText(values, Task.REGRESSION, null, TOKENIZER, OPTIONS);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> real.withSynthetic(regression, 1f)).getMessage().contains("task"));
        EncodedDataset tokens = EncodedDataset.ofTokens(List.of(new TokenExample(List.of("EU", "rejects"), List.of("B-ORG", "O"),
                SourceLine.inMemory(1))), LabelSet.of(List.of("B-ORG", "I-ORG", "O")), TOKENIZER, OPTIONS, SubwordLabels.FIRST_SUBWORD);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tokens.withSynthetic(tokens, 1f)).getMessage()
                .contains("token classification"));
    }
}

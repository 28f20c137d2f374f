package dev.jbert.core.data;

import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochBatchesTest {

    private static final Tokenizer TOKENIZER = Tokenizer.fromDirectory(Fixtures.folder("seq-cls"));
    private static final String[] WORDS = {"good", "bad", "film", "the", "story", "was", "very", "not", "at", "all"};

    /** {@code n} texts of varying length; every {@code minorityEvery}th is class 1, the rest class 0. */
    private static EncodedDataset dataset(int n, int minorityEvery, int maxLength) {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w <= i % 7; w++) text.append(WORDS[(i + w) % WORDS.length]).append(' ');
            examples.add(new TextExample(text.toString(), null, Label.classIndex(i % minorityEvery == 0 ? 1 : 0),
                    SourceLine.inMemory(i + 1)));
        }
        return EncodedDataset.ofText(examples, Task.SINGLE_LABEL, LabelSet.of(List.of("neg", "pos")), TOKENIZER,
                EncodeOptions.dynamicPadding(maxLength));
    }

    private static final EncodedDataset DATA = dataset(50, 5, 32);

    @Test
    void orderDependsOnlyOnSeedAndEpoch() {
        EpochBatches a = EpochBatches.of(DATA, 8, Sampling.NONE);
        EpochBatches b = EpochBatches.of(dataset(50, 5, 32), 8, Sampling.NONE);
        assertArrayEquals(a.order(3, 42), b.order(3, 42), "a fresh instance replays the epoch (resume)");
        assertFalse(Arrays.equals(a.order(3, 42), a.order(4, 42)), "another epoch, another order");
        assertFalse(Arrays.equals(a.order(3, 42), a.order(3, 43)), "another seed, another order");
        int[] sorted = a.order(0, 42).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "a permutation: every example once");
        assertFalse(Arrays.equals(sorted, a.order(0, 42)), "shuffled");
    }

    @Test
    void batchesFollowTheOrder() {
        EpochBatches data = EpochBatches.of(DATA, 8, Sampling.NONE);
        assertEquals(7, data.batchesPerEpoch());
        List<Batch> epoch = data.epoch(1, 7);
        assertEquals(7, epoch.size());
        assertEquals(List.of(8, 8, 8, 8, 8, 8, 2), epoch.stream().map(Batch::size).toList());
        int[] order = data.order(1, 7);
        int[] labels = DATA.classIds();
        for (int k = 0; k < epoch.size(); k++) {
            Batch batch = epoch.get(k);
            int[] slice = Arrays.copyOfRange(order, 8 * k, Math.min(50, 8 * k + 8));
            int longest = 0;
            for (int r = 0; r < slice.length; r++) {
                assertEquals(labels[slice[r]], batch.labels().getInt(r));
                int[] ids = DATA.encoding(slice[r]).inputIds();
                assertArrayEquals(ids, Arrays.copyOf(batch.inputIds()[r], ids.length));
                longest = Math.max(longest, ids.length);
            }
            assertEquals(longest, batch.sequenceLength(), "dynamic padding: the batch's longest example");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> epoch.get(7));
    }

    @Test
    void overSamplingKeepsTheEpochSizeAndBalancesClasses() {
        EpochBatches data = EpochBatches.of(DATA, 8, Sampling.OVER);
        assertEquals(50, data.samplesPerEpoch());
        assertEquals(7, data.batchesPerEpoch());
        assertArrayEquals(data.order(2, 42), data.order(2, 42));
        int[] labels = DATA.classIds();
        int positives = 0, draws = 0;
        for (int epoch = 0; epoch < 40; epoch++) {
            int[] order = data.order(epoch, 42);
            assertEquals(50, order.length);
            for (int i : order) positives += labels[i];
            draws += order.length;
        }
        double share = positives / (double) draws;
        assertTrue(share > 0.45 && share < 0.55, "class 1 is 20% of the data but about half the draws: " + share);
    }

    @Test
    void underSamplingCutsEveryClassToTheRarest() {
        EpochBatches data = EpochBatches.of(DATA, 8, Sampling.UNDER);
        assertEquals(20, data.samplesPerEpoch(), "10 of each class");
        assertEquals(3, data.batchesPerEpoch());
        int[] labels = DATA.classIds();
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = data.order(epoch, 1);
            assertEquals(20, order.length);
            assertEquals(10, Arrays.stream(order).map(i -> labels[i]).sum());
            assertEquals(20, Arrays.stream(order).distinct().count(), "drawn without replacement");
            assertEquals(3, data.epoch(epoch, 1).size());
        }
        assertFalse(Arrays.equals(data.order(0, 1), data.order(1, 1)));
    }

    @Test
    void samplingNeedsDataWithClasses() {
        EncodedDataset multi = EncodedDataset.ofText(
                List.of(new TextExample("a", null, Label.classSet(List.of(0)), SourceLine.inMemory(1))),
                Task.MULTI_LABEL, LabelSet.of(List.of("x", "y")), TOKENIZER, EncodeOptions.dynamicPadding(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EpochBatches.of(multi, 4, Sampling.UNDER));
        assertTrue(e.getMessage().contains("single-label") && e.getMessage().contains("multi-label"), e.getMessage());
        assertEquals(1, EpochBatches.of(multi, 4, Sampling.NONE).batchesPerEpoch(), "no sampling is fine");
        assertEquals(1, EpochBatches.of(multi, 4, Sampling.OVER).batchesPerEpoch(), "multi-label oversampling by the rarest label");
        EncodedDataset values = EncodedDataset.ofText(
                List.of(new TextExample("a", null, Label.value(1.5f), SourceLine.inMemory(1))),
                Task.REGRESSION, null, TOKENIZER, EncodeOptions.dynamicPadding(8));
        e = assertThrows(IllegalArgumentException.class, () -> EpochBatches.of(values, 4, Sampling.OVER));
        assertTrue(e.getMessage().contains("single-label or multi-label") && e.getMessage().contains("regression"), e.getMessage());
        EncodedDataset unlabelled = EncodedDataset.ofText(List.of(TextExample.unlabelled("a", 1)), Task.SINGLE_LABEL, null,
                TOKENIZER, EncodeOptions.dynamicPadding(8));
        assertThrows(IllegalArgumentException.class, () -> EpochBatches.of(unlabelled, 4, Sampling.NONE));
        assertThrows(IllegalArgumentException.class, () -> EpochBatches.of(DATA, 0, Sampling.NONE));
    }

    @Test
    void fingerprintChangesWithDataAndSettings() {
        String base = EpochBatches.of(DATA, 8, Sampling.NONE).fingerprint();
        assertTrue(base.startsWith("50 examples, batch 8, sampling none, sha256 "), base);
        assertEquals(base, EpochBatches.of(dataset(50, 5, 32), 8, Sampling.NONE).fingerprint(), "the same data and settings");
        assertNotEquals(base, EpochBatches.of(DATA, 16, Sampling.NONE).fingerprint(), "batch size");
        assertNotEquals(base, EpochBatches.of(DATA, 8, Sampling.OVER).fingerprint(), "sampling");
        assertNotEquals(base, EpochBatches.of(dataset(50, 5, 64), 8, Sampling.NONE).fingerprint(), "max length");
        assertNotEquals(base, EpochBatches.of(dataset(50, 4, 32), 8, Sampling.NONE).fingerprint(), "labels");
        assertNotEquals(base, EpochBatches.of(dataset(51, 5, 32), 8, Sampling.NONE).fingerprint(), "one more example");
    }

    @Test
    void groupingByLengthSortsMegaBatchesAndPadsLess() {
        EncodedDataset data = dataset(400, 5, 32);
        int batch = 8;
        EpochBatches plain = EpochBatches.of(data, batch, Sampling.NONE), grouped = EpochBatches.of(data, batch, Sampling.NONE, LengthGrouping.BY_LENGTH);
        int[] order = grouped.order(0, 42), shuffled = plain.order(0, 42);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "still a permutation: every example once");
        // mega-batches of min(50, 400 / (4·8)) = 12 batches, each sorted, longest first; only first elements move
        // between them (the longest example of all to the front), so each still holds the shuffled order's examples
        // but for one
        int mega = 12 * batch;
        for (int from = 0; from < order.length; from += mega) {
            int to = Math.min(order.length, from + mega);
            for (int i = from + 2; i < to; i++) {
                assertTrue(data.encoding(order[i - 1]).length() >= data.encoding(order[i]).length(), "sorted, longest first, at " + i);
            }
            java.util.Set<Integer> a = new java.util.HashSet<>(), b = new java.util.HashSet<>();
            for (int i = from; i < to; i++) {
                a.add(order[i]);
                b.add(shuffled[i]);
            }
            a.retainAll(b);
            assertTrue(a.size() >= to - from - 1, "mega-batch at " + from + " keeps the shuffled order's examples");
        }
        int longest = Arrays.stream(order).map(i -> data.encoding(i).length()).max().orElseThrow();
        assertEquals(longest, data.encoding(order[0]).length(), "the longest example comes first");
        assertTrue(padded(grouped) < padded(plain), "grouping pads less: " + padded(grouped) + " vs " + padded(plain));
        assertArrayEquals(order, EpochBatches.of(dataset(400, 5, 32), batch, Sampling.NONE, LengthGrouping.BY_LENGTH).order(0, 42), "reproducible");
        assertFalse(grouped.fingerprint().equals(plain.fingerprint()), "a resume notices the changed order");
    }

    /** Padding positions over an epoch's batches. */
    private static long padded(EpochBatches batches) {
        long pad = 0;
        for (Batch b : batches.epoch(0, 42)) {
            for (int[] row : b.attentionMask()) for (int m : row) if (m == 0) pad++;
        }
        return pad;
    }
}

package dev.jbert.core.data;

import dev.jbert.core.imbalance.EpochSampler;
import dev.jbert.core.imbalance.OverSampler;
import dev.jbert.core.imbalance.UnderSampler;
import dev.jbert.core.train.TrainingData;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The training set as the training loop consumes it: each epoch a fresh order of the examples,
 * drawn from a {@link SplittableRandom} seeded with {@code seed * 31 + epoch} (so it depends on nothing
 * else, and a resumed run replays it), cut into batches of {@code batchSize}, the last one smaller,
 * each padded as the dataset's encode options say.
 *
 * <p>{@link Sampling#NONE} shuffles every example once per epoch; {@link Sampling#OVER} draws as many
 * examples as the dataset holds with replacement, classes balanced (multi-label data: weighed by each example's
 * rarest label); {@link Sampling#UNDER} keeps the
 * rarest class's size of every class. Either way each epoch has the same number of batches. Synthetic examples
 * ({@link EncodedDataset#withSynthetic}) are left out of the balance by default ({@link BalanceCounts#REAL}): the
 * sampler draws from the real examples as it would without them, and every synthetic example joins each epoch once,
 * shuffled in with the draws.
 *
 * <p>With length grouping (transformers' {@code group_by_length}, in version 5 {@code train_sampling_strategy=
 * "group_by_length"}) the epoch's order is then cut into mega-batches of {@code min(50, n / (4·batch))} batches,
 * each sorted by length, longest first, and the longest example of all is swapped to the front, as transformers'
 * {@code LengthGroupedSampler} does: batches of similar lengths pad less and run faster, and the batches still come
 * in random order.
 * Immutable; batches are built when the epoch's list is read, so an epoch costs no memory up front.
 */
public final class EpochBatches implements TrainingData {

    private final EncodedDataset data;
    private final int batchSize;
    private final Sampling sampling;
    /** Null for {@link Sampling#NONE}. */
    private final EpochSampler sampler;
    /** The sampler draws from examples {@code [0, balanced)}; those from {@code balanced} on join every epoch once. */
    private final int balanced;
    private final boolean groupByLength;
    private final int samplesPerEpoch;
    private final String fingerprint;

    private EpochBatches(EncodedDataset data, int batchSize, Sampling sampling, boolean groupByLength, BalanceCounts counts) {
        if (data == null || sampling == null || counts == null) {
            throw new IllegalArgumentException("data, sampling and balance counts must not be null");
        }
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        if (!data.isLabelled()) throw new IllegalArgumentException("training data must be labelled");
        boolean balanceable = data.task() == Task.SINGLE_LABEL || (sampling == Sampling.OVER && data.task() == Task.MULTI_LABEL);
        if (sampling != Sampling.NONE && !balanceable) {
            throw new IllegalArgumentException("sampling " + sampling.name().toLowerCase(Locale.ROOT) + " balances classes of "
                    + (sampling == Sampling.OVER ? "single-label or multi-label" : "single-label") + " data; this is "
                    + data.task().name().toLowerCase(Locale.ROOT).replace('_', '-') + " data: use --sampling none (or class weights / a loss for imbalance)");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.sampling = sampling;
        this.balanced = sampling == Sampling.NONE || counts == BalanceCounts.REAL_AND_SYNTHETIC ? data.size() : data.realCount();
        this.sampler = switch (sampling) {
            case NONE -> null;
            case OVER -> data.task() == Task.MULTI_LABEL
                    ? OverSampler.balancedByRarestLabel(Arrays.copyOf(data.classSets(), balanced), balanced)
                    : OverSampler.balanced(Arrays.copyOf(data.classIds(), balanced), balanced);
            case UNDER -> UnderSampler.of(Arrays.copyOf(data.classIds(), balanced));
        };
        this.groupByLength = groupByLength;
        this.samplesPerEpoch = sampler == null ? data.size() : sampler.numSamples() + data.size() - balanced;
        boolean countsMatter = sampling != Sampling.NONE && data.syntheticCount() > 0;
        this.fingerprint = digest(data.fingerprint() + " batch_size=" + batchSize + " sampling=" + sampling
                + (countsMatter ? " balance_counts=" + counts : "") + (groupByLength ? " group_by_length" : ""));
    }

    /**
     * Training batches over {@code data}.
     *
     * @param data      the labelled training set
     * @param batchSize the examples per batch, at least 1
     * @param sampling  whether and how classes are balanced
     * @return the batches of every epoch, without length grouping, synthetic examples outside the balance
     * @throws IllegalArgumentException if the data is unlabelled, or sampling is asked of data it cannot balance
     *                                  (oversampling takes single-label or multi-label data, undersampling single-label)
     */
    public static EpochBatches of(EncodedDataset data, int batchSize, Sampling sampling) {
        return new EpochBatches(data, batchSize, sampling, false, BalanceCounts.REAL);
    }

    /**
     * As {@link #of(EncodedDataset, int, Sampling)}, grouping examples of similar lengths when asked.
     *
     * @param data          the labelled training set
     * @param batchSize     the examples per batch, at least 1
     * @param sampling      whether and how classes are balanced
     * @param grouping      whether examples of similar lengths are grouped into batches
     * @return the batches of every epoch
     */
    public static EpochBatches of(EncodedDataset data, int batchSize, Sampling sampling, LengthGrouping grouping) {
        return new EpochBatches(data, batchSize, sampling, grouping == LengthGrouping.BY_LENGTH, BalanceCounts.REAL);
    }

    /**
     * As {@link #of(EncodedDataset, int, Sampling, LengthGrouping)}, with synthetic examples in the balance or not.
     *
     * @param data          the labelled training set
     * @param batchSize     the examples per batch, at least 1
     * @param sampling      whether and how classes are balanced
     * @param grouping      whether examples of similar lengths are grouped into batches
     * @param counts        whether synthetic examples count in the balance
     * @return the batches of every epoch
     */
    public static EpochBatches of(EncodedDataset data, int batchSize, Sampling sampling, LengthGrouping grouping, BalanceCounts counts) {
        return new EpochBatches(data, batchSize, sampling, grouping == LengthGrouping.BY_LENGTH, counts);
    }

    /**
     * The example indices epoch {@code epoch} visits, in order.
     *
     * @param epoch the epoch, from 0
     * @param seed  the run's seed
     * @return indices into {@link #data()}, {@link #samplesPerEpoch()} of them; with sampling, repeats are possible
     */
    public int[] order(int epoch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + epoch);
        int[] order;
        if (sampler == null) {
            order = new int[data.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            shuffle(order, rng);
        } else if (balanced == data.size()) {
            order = sampler.sample(rng);
        } else {
            int[] drawn = sampler.sample(rng);
            order = Arrays.copyOf(drawn, samplesPerEpoch);
            for (int i = balanced, k = drawn.length; i < data.size(); i++, k++) order[k] = i;
            shuffle(order, rng);
        }
        return groupByLength ? groupedByLength(order) : order;
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {                           // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private int[] groupedByLength(int[] order) {
        int mult = Math.max(1, Math.min(order.length / (batchSize * 4), 50)), mega = mult * batchSize;
        Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
        int longestMega = 0, longest = -1;
        for (int from = 0; from < boxed.length; from += mega) {
            int to = Math.min(boxed.length, from + mega);
            // stable, as Python's sorted
            Arrays.sort(boxed, from, to, (a, b) -> Integer.compare(data.encoding(b).length(), data.encoding(a).length()));
            int first = data.encoding(boxed[from]).length();
            if (first > longest) {
                longest = first;
                longestMega = from;
            }
        }
        Integer swap = boxed[0];
        boxed[0] = boxed[longestMega];
        boxed[longestMega] = swap;
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<Batch> epoch(int epoch, long seed) {
        int[] order = order(epoch, seed);
        int count = batchesPerEpoch();
        return new AbstractList<>() {
            @Override
            public Batch get(int k) {
                if (k < 0 || k >= count) throw new IndexOutOfBoundsException("batch " + k + " of " + count);
                return data.batch(Arrays.copyOfRange(order, k * batchSize, Math.min(order.length, (k + 1) * batchSize)));
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    @Override
    public int batchesPerEpoch() {
        return (samplesPerEpoch + batchSize - 1) / batchSize;
    }

    /**
     * Examples per epoch: the dataset size, or for undersampling the classes times the rarest class's size (plus the
     * synthetic examples the balance leaves out).
     *
     * @return the examples each epoch visits
     */
    public int samplesPerEpoch() {
        return samplesPerEpoch;
    }

    /**
     * The encoded examples.
     *
     * @return the dataset the batches are cut from
     */
    public EncodedDataset data() {
        return data;
    }

    /**
     * The dataset's fingerprint combined with the batch size and sampling, readable at the front so a
     * refused resume says what changed: {@code "67349 examples, batch 32, sampling none, sha256 ..."}.
     */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    private String digest(String settings) {
        MessageDigest md = EncodedDataset.sha256();
        String hash = HexFormat.of().formatHex(md.digest(settings.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        return data.size() + " examples, batch " + batchSize + ", sampling " + sampling.name().toLowerCase(Locale.ROOT) + ", sha256 " + hash;
    }
}

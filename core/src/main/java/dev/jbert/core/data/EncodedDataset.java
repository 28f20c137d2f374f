package dev.jbert.core.data;

import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.tokenizer.TokenizerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Examples tokenized once, ready to be cut into {@link Batch}es in any order. Each example keeps its
 * unpadded {@link Encoding} (tokens, offsets, word ids), so predictions map back to words and characters.
 *
 * <p>Batches are padded to their longest member ({@link EncodeOptions.Padding#LONGEST}, dynamic padding,
 * and also for {@code NONE}) or to the length limit ({@code MAX_LENGTH}); sequences are truncated as the
 * options say (longest-first for pairs). Labels take the layout of {@link Batch#labels()}: single-label
 * int32 {@code [B]}, multi-label float32 multi-hot {@code [B, C]}, regression float32 {@code [B]}, token
 * classification int32 {@code [B, T]} with {@value #IGNORE_INDEX} on special tokens, padding and (unless
 * {@link SubwordLabels#ALL_SUBWORDS}) continuation subwords. Unlabelled data gives null labels.
 * Synthetic examples ({@link #withSynthetic}) follow the real ones and carry their loss weight into the batches.
 * Immutable and thread-safe.
 */
public final class EncodedDataset {

    /** The label of a position the loss ignores, as PyTorch's cross entropy {@code ignore_index}. */
    public static final int IGNORE_INDEX = -100;

    private final Task task;
    private final LabelSet labels;
    private final List<Encoding> encodings;
    private final List<SourceLine> sources;
    /** Per example: a class id (single-label), class ids (multi-label), a value (regression) or per-token labels. */
    private final int[] classIds;
    private final int[][] classSets;
    private final float[] values;
    private final int[][] tokenLabels;
    private final int padId;
    /** The length every batch is padded to, or 0 to pad each batch to its longest example. */
    private final int fixedLength;
    /** Examples {@code [0, realCount)} were read from the data; the rest are synthetic, appended by {@link #withSynthetic}. */
    private final int realCount;
    private final float syntheticWeight;
    /** What the fingerprint hashes besides the examples. */
    private final String settings;
    private final String fingerprint;

    private EncodedDataset(Task task, LabelSet labels, List<Encoding> encodings, List<SourceLine> sources,
                           int[] classIds, int[][] classSets, float[] values, int[][] tokenLabels,
                           int padId, int fixedLength, int realCount, float syntheticWeight, String settings) {
        this.task = task;
        this.labels = labels;
        this.encodings = List.copyOf(encodings);
        this.sources = List.copyOf(sources);
        this.classIds = classIds;
        this.classSets = classSets;
        this.values = values;
        this.tokenLabels = tokenLabels;
        this.padId = padId;
        this.fixedLength = fixedLength;
        this.realCount = realCount;
        this.syntheticWeight = syntheticWeight;
        this.settings = settings;
        this.fingerprint = digest(settings);
    }

    private static EncodedDataset read(Task task, LabelSet labels, List<Encoding> encodings, List<SourceLine> sources,
                                       int[] classIds, int[][] classSets, float[] values, int[][] tokenLabels,
                                       Tokenizer tokenizer, EncodeOptions options, String settings) {
        return new EncodedDataset(task, labels, encodings, sources, classIds, classSets, values, tokenLabels,
                tokenizer.padId(), fixedLength(tokenizer, options, encodings), encodings.size(), 1f,
                settings + " max_length=" + options.maxLength() + " truncation=" + options.truncation() + " padding=" + options.padding());
    }

    /**
     * A text file read as {@code options} say (their task, columns and label set) and encoded: what training,
     * evaluation and the command line read a labelled file into.
     *
     * @param file      the csv, tsv or jsonl file
     * @param options   how to read it
     * @param tokenizer the tokenizer
     * @param encode    length limit, truncation and padding
     * @return the encoded examples, with the file's (or the options') label set
     * @throws IllegalArgumentException when a row cannot be read (naming the file and line), or labels and task disagree
     */
    public static EncodedDataset readText(Path file, TextReadOptions options, Tokenizer tokenizer, EncodeOptions encode) {
        Dataset<TextExample> d = TextReader.read(file, options);
        return ofText(d.examples(), options.task(), d.labels(), tokenizer, encode);
    }

    /**
     * A CoNLL-style file read as {@code options} say and encoded for token classification.
     *
     * @param file      the file, one token per line
     * @param options   how to read it
     * @param tokenizer the tokenizer
     * @param encode    length limit, truncation and padding
     * @param subwords  which subwords of a word carry its tag
     * @return the encoded sentences, with the file's (or the options') tag set
     * @throws IllegalArgumentException when a line cannot be read (naming the file and line)
     */
    public static EncodedDataset readTokens(Path file, TokenReadOptions options, Tokenizer tokenizer, EncodeOptions encode,
                                            SubwordLabels subwords) {
        Dataset<TokenExample> d = TokenReader.read(file, options);
        return ofTokens(d.examples(), d.labels(), tokenizer, encode, subwords);
    }

    /**
     * Encodes texts or text pairs. All examples must be labelled in the task's form, or all unlabelled
     * (prediction; then any task, token classification included, whose positions map back through the
     * encodings' word ids and offsets).
     *
     * @param examples  the examples, not empty
     * @param task      the task the labels are laid out for
     * @param labels    the label set class ids index (null for regression or unlabelled examples)
     * @param tokenizer the tokenizer
     * @param options   length limit, truncation and padding
     * @return the encoded examples, in order
     * @throws IllegalArgumentException if labels and task disagree
     */
    public static EncodedDataset ofText(List<TextExample> examples, Task task, LabelSet labels, Tokenizer tokenizer,
                                        EncodeOptions options) {
        requireArguments(examples, task, tokenizer, options);
        boolean labelled = examples.get(0).isLabelled();
        for (TextExample e : examples) {
            if (e.isLabelled() != labelled) {
                throw new IllegalArgumentException("examples must be all labelled or all unlabelled; " + e.source() + " differs");
            }
        }
        if (labelled && task == Task.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException("labelled token-classification data is word lists: use ofTokens");
        }
        if (labelled && task.hasClasses() && labels == null) {
            throw new IllegalArgumentException(task + " needs the label set");
        }
        EncodeOptions unpadded = options.withPadding(EncodeOptions.Padding.NONE);
        Encoding[] encodings = new Encoding[examples.size()];
        // tokenizing dominates; the tokenizer is thread-safe and each slot is written once, so order is kept
        IntStream.range(0, encodings.length).parallel().forEach(i -> {
            TextExample e = examples.get(i);
            encodings[i] = e.hasPair() ? tokenizer.encode(e.text(), e.textPair(), unpadded) : tokenizer.encode(e.text(), unpadded);
        });
        int n = examples.size();
        int[] classIds = null;
        int[][] classSets = null;
        float[] values = null;
        if (labelled) {
            switch (task) {
                case SINGLE_LABEL -> {
                    classIds = new int[n];
                    for (int i = 0; i < n; i++) classIds[i] = classIndex(examples.get(i), labels);
                }
                case MULTI_LABEL -> {
                    classSets = new int[n][];
                    for (int i = 0; i < n; i++) classSets[i] = classSet(examples.get(i), labels);
                }
                case REGRESSION -> {
                    values = new float[n];
                    for (int i = 0; i < n; i++) values[i] = value(examples.get(i));
                }
                default -> throw new IllegalStateException(task.name());
            }
        }
        List<SourceLine> sources = examples.stream().map(TextExample::source).toList();
        String settings = "task=" + task + " labelled=" + labelled + " labels=" + (labels == null ? "-" : labels.names());
        return read(task, labels, Arrays.asList(encodings), sources, classIds, classSets, values, null,
                tokenizer, options, settings);
    }

    /**
     * Encodes pre-split sentences for token classification with {@code tokenizer.encodeWords}. Tagged
     * sentences get per-token labels: a word's first subword its tag, continuation subwords -100 or (with
     * {@link SubwordLabels#ALL_SUBWORDS}) the tag's inside form, special tokens and padding -100.
     *
     * @param examples  the sentences, not empty
     * @param labels    the tag set (null only when no sentence is tagged)
     * @param tokenizer the tokenizer
     * @param options   length limit, truncation and padding
     * @param subwords  which subwords of a word carry its tag
     * @return the encoded sentences, in order
     */
    public static EncodedDataset ofTokens(List<TokenExample> examples, LabelSet labels, Tokenizer tokenizer,
                                          EncodeOptions options, SubwordLabels subwords) {
        requireArguments(examples, Task.TOKEN_CLASSIFICATION, tokenizer, options);
        if (subwords == null) throw new IllegalArgumentException("subwords must not be null");
        boolean labelled = examples.get(0).isLabelled();
        for (TokenExample e : examples) {
            if (e.isLabelled() != labelled) {
                throw new IllegalArgumentException("sentences must be all tagged or all untagged; " + e.source() + " differs");
            }
        }
        if (labelled && labels == null) throw new IllegalArgumentException("tagged sentences need the tag set");
        EncodeOptions unpadded = options.withPadding(EncodeOptions.Padding.NONE);
        Encoding[] encodings = new Encoding[examples.size()];
        IntStream.range(0, encodings.length).parallel()
                .forEach(i -> encodings[i] = tokenizer.encodeWords(examples.get(i).words(), unpadded));
        int[][] tokenLabels = null;
        if (labelled) {
            int[] inside = labels.insideIds();
            tokenLabels = new int[examples.size()][];
            for (int i = 0; i < tokenLabels.length; i++) {
                tokenLabels[i] = alignTags(examples.get(i), encodings[i], labels, inside, subwords);
            }
        }
        List<SourceLine> sources = examples.stream().map(TokenExample::source).toList();
        String settings = "task=" + Task.TOKEN_CLASSIFICATION + " labelled=" + labelled + " labels="
                + (labels == null ? "-" : labels.names()) + " subwords=" + subwords;
        return read(Task.TOKEN_CLASSIFICATION, labels, Arrays.asList(encodings), sources, null, null, null,
                tokenLabels, tokenizer, options, settings);
    }

    /** transformers' {@code run_ner} {@code tokenize_and_align_labels}, one sentence. */
    private static int[] alignTags(TokenExample e, Encoding encoding, LabelSet labels, int[] inside, SubwordLabels subwords) {
        int[] wordIds = encoding.wordIds();
        int[] tagIds = new int[e.size()];
        for (int w = 0; w < tagIds.length; w++) {
            tagIds[w] = labels.resolve(e.tags().get(w));
            if (tagIds[w] < 0) {
                throw new IllegalArgumentException(e.source() + ": tag '" + e.tags().get(w) + "' of word " + w
                        + " is not in the tag set " + labels.names());
            }
        }
        int[] out = new int[wordIds.length];
        int previous = Encoding.NONE;
        for (int t = 0; t < wordIds.length; t++) {
            int w = wordIds[t];
            if (w == Encoding.NONE) {
                out[t] = IGNORE_INDEX;
            } else if (w != previous) {
                out[t] = tagIds[w];
            } else {
                out[t] = subwords == SubwordLabels.ALL_SUBWORDS ? inside[tagIds[w]] : IGNORE_INDEX;
            }
            previous = w;
        }
        return out;
    }

    /**
     * These examples followed by {@code synthetic}'s, which weigh {@code weight} in the loss (these weigh 1): the
     * training set with generated examples added. Both must be labelled sequence data of one task and label set,
     * encoded with the same tokenizer and options. The synthetic examples come last, so indices
     * {@code [0, realCount())} are the real ones.
     *
     * @param synthetic the generated examples
     * @param weight    each synthetic example's loss weight
     * @return a new dataset of both
     * @throws IllegalArgumentException if the weight is not finite and {@code > 0}, the task is token classification,
     *                                  either set is unlabelled or already holds synthetic examples, or the two disagree
     *                                  on task, labels or padding
     */
    public EncodedDataset withSynthetic(EncodedDataset synthetic, float weight) {
        if (!(weight > 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("the synthetic examples' weight must be a finite number > 0, got " + weight);
        }
        if (task == Task.TOKEN_CLASSIFICATION || synthetic.task == Task.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException("token classification takes no synthetic examples: their weight is per"
                    + " example and the token loss averages over tokens");
        }
        if (synthetic.task != task) {
            throw new IllegalArgumentException("synthetic examples of task " + synthetic.task + " for training data of task " + task);
        }
        if (!isLabelled() || !synthetic.isLabelled()) {
            throw new IllegalArgumentException("synthetic examples are added to labelled training data, and must be labelled");
        }
        if (syntheticCount() > 0 || synthetic.syntheticCount() > 0) {
            throw new IllegalArgumentException("synthetic examples are added once, to data read from a file");
        }
        if (!Objects.equals(labels, synthetic.labels)) {
            throw new IllegalArgumentException("the synthetic examples index the labels " + (synthetic.labels == null ? "-"
                    : synthetic.labels.names()) + ", the training data " + (labels == null ? "-" : labels.names())
                    + ": read them with the training data's label set");
        }
        if (padId != synthetic.padId || fixedLength != synthetic.fixedLength) {
            throw new IllegalArgumentException("the synthetic examples are padded otherwise than the training data"
                    + " (pad id " + synthetic.padId + " vs " + padId + ", fixed length " + synthetic.fixedLength + " vs " + fixedLength
                    + "): encode them with the same tokenizer and options");
        }
        return new EncodedDataset(task, labels, concat(encodings, synthetic.encodings), concat(sources, synthetic.sources),
                classIds == null ? null : concat(classIds, synthetic.classIds),
                classSets == null ? null : concat(classSets, synthetic.classSets),
                values == null ? null : concat(values, synthetic.values), null, padId, fixedLength, size(), weight,
                settings + " synthetic=" + synthetic.size() + " synthetic_weight=" + weight);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[][] concat(int[][] a, int[][] b) {
        int[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Number of examples.
     *
     * @return the number of examples, synthetic ones included
     */
    public int size() {
        return encodings.size();
    }

    /**
     * The task the labels are laid out for.
     *
     * @return the task
     */
    public Task task() {
        return task;
    }

    /**
     * The label set class ids index, or null (regression, unlabelled text).
     *
     * @return the label set, or null
     */
    public LabelSet labels() {
        return labels;
    }

    /**
     * Whether batches carry labels.
     *
     * @return whether the examples have labels
     */
    public boolean isLabelled() {
        return classIds != null || classSets != null || values != null || tokenLabels != null;
    }

    /**
     * The examples read from the data, indices {@code [0, realCount())}: all of them unless {@link #withSynthetic}
     * added some.
     *
     * @return the number of examples read from the data
     */
    public int realCount() {
        return realCount;
    }

    /**
     * The synthetic examples, indices {@code [realCount(), size())}.
     *
     * @return the number of synthetic examples, 0 without any
     */
    public int syntheticCount() {
        return size() - realCount;
    }

    /**
     * Whether example {@code i} is synthetic.
     *
     * @param i an example index, in {@code [0, size())}
     * @return whether it is at or after {@link #realCount()}
     */
    public boolean isSynthetic(int i) {
        return i >= realCount;
    }

    /**
     * The loss weight of each synthetic example; 1 when there are none.
     *
     * @return the weight, finite and {@code > 0}
     */
    public float syntheticWeight() {
        return syntheticWeight;
    }

    /**
     * Real and synthetic examples per label (single-label: of the class; multi-label: with the label positive;
     * regression: totals only).
     *
     * @return the counts
     * @throws IllegalStateException for token classification or unlabelled data
     */
    public ExampleCounts exampleCounts() {
        if (!isLabelled() || task == Task.TOKEN_CLASSIFICATION) {
            throw new IllegalStateException("example counts exist for labelled sequence data only; this is " + task
                    + (isLabelled() ? "" : ", unlabelled"));
        }
        int numLabels = task.hasClasses() ? labels.size() : 0;
        long[] real = new long[numLabels], synthetic = new long[numLabels];
        for (int i = 0; i < size() && numLabels > 0; i++) {
            long[] counts = isSynthetic(i) ? synthetic : real;
            if (classIds != null) counts[classIds[i]]++;
            else for (int c : classSets[i]) counts[c]++;
        }
        return new ExampleCounts(numLabels == 0 ? List.of() : labels.names(), real, synthetic, realCount, syntheticCount(),
                syntheticWeight);
    }

    /**
     * Example {@code i}'s encoding, unpadded: tokens, ids, word ids, offsets.
     *
     * @param i an example index
     * @return its encoding
     */
    public Encoding encoding(int i) {
        return encodings.get(i);
    }

    /**
     * Where example {@code i} was read.
     *
     * @param i an example index
     * @return its file and line
     */
    public SourceLine source(int i) {
        return sources.get(i);
    }

    /**
     * Example {@code i}'s per-token labels (unpadded, -100 where ignored), for token classification only.
     *
     * @param i an example index
     * @return a copy of its labels, one per token
     * @throws IllegalStateException for other tasks or unlabelled data
     */
    public int[] tokenLabels(int i) {
        if (tokenLabels == null) throw new IllegalStateException("not labelled token-classification data");
        return tokenLabels[i].clone();
    }

    /**
     * The single-label class id of every example, in order, as the samplers and class weights need them.
     *
     * @return a copy of the class ids, {@code [size()]}
     * @throws IllegalStateException for any other task, or unlabelled data
     */
    public int[] classIds() {
        if (classIds == null) {
            throw new IllegalStateException("class ids exist for labelled single-label data only; this is "
                    + task + (isLabelled() ? "" : ", unlabelled"));
        }
        return classIds.clone();
    }

    /**
     * The multi-label class ids of every example, in order, for the sampler.
     *
     * @return a copy of each example's positive class ids
     * @throws IllegalStateException for any other task, or unlabelled data
     */
    public int[][] classSets() {
        if (classSets == null) {
            throw new IllegalStateException("class sets exist for labelled multi-label data only; this is "
                    + task + (isLabelled() ? "" : ", unlabelled"));
        }
        int[][] out = new int[classSets.length][];
        for (int i = 0; i < out.length; i++) out[i] = classSets[i].clone();
        return out;
    }

    /**
     * The examples in file order, {@code batchSize} per batch (the last may be smaller): batch {@code k}
     * holds examples {@code k * batchSize} onwards. For evaluation and prediction.
     *
     * @param batchSize the examples per batch, at least 1
     * @return the batches, in order
     */
    public List<Batch> batches(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        List<Batch> out = new ArrayList<>((size() + batchSize - 1) / batchSize);
        for (int start = 0; start < size(); start += batchSize) {
            out.add(batch(IntStream.range(start, Math.min(size(), start + batchSize)).toArray()));
        }
        return out;
    }

    /**
     * One batch of the given examples, in the given order (repeats allowed), padded and labelled.
     *
     * @param indices the example indices, not empty
     * @return the batch, its rows in the order of {@code indices}
     */
    public Batch batch(int[] indices) {
        if (indices == null || indices.length == 0) throw new IllegalArgumentException("a batch needs at least one example");
        int length = fixedLength;
        for (int i : indices) length = Math.max(length, encodings.get(i).length());
        int b = indices.length;
        int[][] ids = new int[b][length];
        int[][] types = new int[b][length];
        int[][] mask = new int[b][length];
        for (int r = 0; r < b; r++) {
            Encoding e = encodings.get(indices[r]);
            int[] src = e.inputIds();
            System.arraycopy(src, 0, ids[r], 0, src.length);
            Arrays.fill(ids[r], src.length, length, padId);
            System.arraycopy(e.tokenTypeIds(), 0, types[r], 0, src.length);
            System.arraycopy(e.attentionMask(), 0, mask[r], 0, src.length);
        }
        return new Batch(ids, types, mask, isLabelled() ? labels(indices, length) : null, exampleWeights(indices));
    }

    /**
     * The batch's example weights, or null when all weigh 1: a batch of real examples, or any batch when synthetic
     * ones weigh 1 too, then takes the unweighted loss exactly as data without synthetic examples does.
     */
    private float[] exampleWeights(int[] indices) {
        if (syntheticWeight == 1f || Arrays.stream(indices).noneMatch(this::isSynthetic)) return null;
        float[] weights = new float[indices.length];
        for (int r = 0; r < weights.length; r++) weights[r] = isSynthetic(indices[r]) ? syntheticWeight : 1f;
        return weights;
    }

    private INDArray labels(int[] indices, int length) {
        int b = indices.length;
        switch (task) {
            case SINGLE_LABEL: {
                int[] out = new int[b];
                for (int r = 0; r < b; r++) out[r] = classIds[indices[r]];
                return Nd4j.createFromArray(out);
            }
            case MULTI_LABEL: {
                float[][] out = new float[b][labels.size()];
                for (int r = 0; r < b; r++) {
                    for (int c : classSets[indices[r]]) out[r][c] = 1f;
                }
                return Nd4j.createFromArray(out);
            }
            case REGRESSION: {
                float[] out = new float[b];
                for (int r = 0; r < b; r++) out[r] = values[indices[r]];
                return Nd4j.createFromArray(out);
            }
            case TOKEN_CLASSIFICATION: {
                int[][] out = new int[b][length];
                for (int r = 0; r < b; r++) {
                    int[] src = tokenLabels[indices[r]];
                    System.arraycopy(src, 0, out[r], 0, src.length);
                    Arrays.fill(out[r], src.length, length, IGNORE_INDEX);
                }
                return Nd4j.createFromArray(out);
            }
            default:
                throw new IllegalStateException(task.name());
        }
    }

    /**
     * A digest of every example's token ids, type ids and labels and of the settings (task, label set,
     * length limit, truncation, padding, subword labels): equal for the same data encoded the same way.
     *
     * @return the hex SHA-256 digest
     */
    public String fingerprint() {
        return fingerprint;
    }

    private String digest(String settings) {
        MessageDigest md = sha256();
        md.update(settings.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < encodings.size(); i++) {
            Encoding e = encodings.get(i);
            // lengths first, so that no two different example lists concatenate to the same stream
            putInts(md, buf, new int[]{e.length()});
            putInts(md, buf, e.inputIds());
            putInts(md, buf, e.tokenTypeIds());
            if (classIds != null) putInts(md, buf, new int[]{classIds[i]});
            if (classSets != null) putInts(md, buf, new int[]{classSets[i].length});
            if (classSets != null) putInts(md, buf, classSets[i]);
            if (values != null) putInts(md, buf, new int[]{Float.floatToIntBits(values[i])});
            if (tokenLabels != null) putInts(md, buf, tokenLabels[i]);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void putInts(MessageDigest md, ByteBuffer buf, int[] values) {
        for (int v : values) {
            if (buf.remaining() < 4) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putInt(v);
        }
        md.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int fixedLength(Tokenizer tokenizer, EncodeOptions options, List<Encoding> encodings) {
        if (options.padding() != EncodeOptions.Padding.MAX_LENGTH) return 0;
        if (options.maxLength() != null) return options.maxLength();
        int model = tokenizer.modelMaxLength();
        if (model == TokenizerConfig.NO_MAX_LENGTH) {
            throw new IllegalArgumentException("padding to MAX_LENGTH needs a maxLength: the tokenizer has no model_max_length");
        }
        return model;
    }

    private static int classIndex(TextExample e, LabelSet labels) {
        if (!(e.label() instanceof Label.ClassIndex c)) {
            throw new IllegalArgumentException(e.source() + ": single-label data needs a class index, not " + e.label());
        }
        if (c.index() >= labels.size()) {
            throw new IllegalArgumentException(e.source() + ": class " + c.index() + " outside the " + labels.size() + " labels");
        }
        return c.index();
    }

    private static int[] classSet(TextExample e, LabelSet labels) {
        if (!(e.label() instanceof Label.ClassSet s)) {
            throw new IllegalArgumentException(e.source() + ": multi-label data needs a class set, not " + e.label());
        }
        int[] out = s.indices().stream().mapToInt(Integer::intValue).toArray();
        for (int c : out) {
            if (c >= labels.size()) {
                throw new IllegalArgumentException(e.source() + ": class " + c + " outside the " + labels.size() + " labels");
            }
        }
        return out;
    }

    private static float value(TextExample e) {
        if (!(e.label() instanceof Label.Value v)) {
            throw new IllegalArgumentException(e.source() + ": regression data needs a value, not " + e.label());
        }
        return (float) v.value();
    }

    private static void requireArguments(List<?> examples, Task task, Tokenizer tokenizer, EncodeOptions options) {
        if (examples == null || examples.isEmpty()) throw new IllegalArgumentException("examples must not be null or empty");
        if (task == null || tokenizer == null || options == null) {
            throw new IllegalArgumentException("task, tokenizer and options must not be null");
        }
    }
}

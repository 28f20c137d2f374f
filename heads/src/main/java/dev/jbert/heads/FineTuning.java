package dev.jbert.heads;

import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.data.BalanceCounts;
import dev.jbert.core.data.Batch;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.EpochBatches;
import dev.jbert.core.data.ExampleCounts;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.LengthGrouping;
import dev.jbert.core.data.Sampling;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TokenReadOptions;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.predict.ThresholdTuner;
import dev.jbert.heads.predict.ThresholdTuning;
import dev.jbert.heads.predict.Thresholds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Fine-tuning from Java in one statement, the way {@code jbert train} does it (the command is a caller of this
 * class): the model folder's tokenizer encodes the training data (a file read as the CLI reads it, or examples built
 * in code, plus optional synthetic examples) and the validation data; a classification head goes on the encoder; the
 * {@link Trainer} runs the {@link TrainingArguments}; the model is saved in Hugging Face layout to their output folder
 * and evaluated on the validation data, and a multi-label model's per-class thresholds are tuned there and saved
 * beside it. A length beyond the model's limit is lowered to it, with a warning; without validation data nothing is
 * evaluated, whatever the arguments' evaluation strategy.
 *
 * <pre>{@code
 * FineTuning.Result result = FineTuning.of(Path.of("all-MiniLM-L6-v2"))
 *         .task(Task.SINGLE_LABEL)
 *         .train(Path.of("train.tsv"))
 *         .validation(Path.of("dev.tsv"))
 *         .arguments(TrainingArguments.builder(Path.of("out")).numTrainEpochs(3).build())
 *         .run();
 * }</pre>
 *
 * <p>A builder: not thread-safe, one {@link #run()} per instance.
 */
public final class FineTuning {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);

    /**
     * The head's loss, chosen once the training data is read: from its label names and, for class weights, its
     * examples per label (asked for only when needed; single-label and multi-label data have them).
     */
    @FunctionalInterface
    public interface LossChoice {
        /**
         * Chooses the loss.
         *
         * @param labels the label names, in id order
         * @param counts the training data's examples per label; calling it fails for data other than single-label or
         *               multi-label
         * @return the head's loss
         */
        Loss choose(List<String> labels, Supplier<ExampleCounts> counts);
    }

    private final Path model;
    private Task task = Task.SINGLE_LABEL;
    private TextReadOptions readOptions;
    private TokenReadOptions tokenReadOptions = TokenReadOptions.defaults();
    private SubwordLabels subwordLabels = SubwordLabels.FIRST_SUBWORD;
    private Path trainFile;
    private List<TextExample> trainExamples;
    private Path syntheticFile;
    private float syntheticWeight = 1f;
    private Path validationFile;
    private List<TextExample> validationExamples;
    private List<String> labels;
    private int maxLength = 128;
    private int batchSize = 16;
    private int evalBatchSize = 32;
    private Sampling sampling = Sampling.NONE;
    private BalanceCounts balanceCounts = BalanceCounts.REAL;
    private LengthGrouping lengthGrouping = LengthGrouping.NONE;
    private HeadSpec head = HeadSpec.nativeHead();
    private LossChoice loss = (names, counts) -> ClassifierSpec.defaultLoss(task);
    private CheckpointHead checkpointHead = CheckpointHead.KEEP;
    private TrainedParameters trained = TrainedParameters.ALL;
    private Precision precision = Precision.FP32;
    private double threshold = 0.5;
    private TrainingArguments arguments;
    private Path resumeFrom;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Consumer<ExampleCounts>> dataListeners = new ArrayList<>();

    private FineTuning(Path model) {
        this.model = model;
    }

    /**
     * Fine-tunes the Hugging Face model folder {@code model} (its encoder, its tokenizer).
     *
     * @param model the model folder: {@code config.json}, weights and tokenizer files
     * @return a new builder
     * @throws IllegalArgumentException when {@code model} is null
     */
    public static FineTuning of(Path model) {
        if (model == null) throw new IllegalArgumentException("a model folder is needed");
        return new FineTuning(model);
    }

    /**
     * Single-label (the default), multi-label, regression or token classification (from CoNLL-style files).
     *
     * @param value the task
     * @return this builder
     */
    public FineTuning task(Task value) {
        this.task = value;
        return this;
    }

    /**
     * How to read text files: format, columns, header (default: the task's, columns found by name).
     *
     * @param value the read options for the training, synthetic and validation files
     * @return this builder
     */
    public FineTuning readOptions(TextReadOptions value) {
        this.readOptions = value;
        return this;
    }

    /**
     * How to read token classification files (default: {@link TokenReadOptions#defaults()}).
     *
     * @param value the read options for CoNLL-style files
     * @return this builder
     */
    public FineTuning readOptions(TokenReadOptions value) {
        this.tokenReadOptions = value;
        return this;
    }

    /**
     * Token classification: which subwords of a word carry its tag (default: the first).
     *
     * @param value which subwords are labelled
     * @return this builder
     */
    public FineTuning subwordLabels(SubwordLabels value) {
        this.subwordLabels = value;
        return this;
    }

    /**
     * The training data, read from a file as {@code jbert train} reads it (see the {@code readOptions} methods);
     * replaces examples given with {@link #train(List)}.
     *
     * @param file a text file of the task's format, or a CoNLL-style file for token classification
     * @return this builder
     */
    public FineTuning train(Path file) {
        this.trainFile = file;
        this.trainExamples = null;
        return this;
    }

    /**
     * Examples built in code; their labels index {@link #labels(List)}, which is then required. Replaces a training
     * file; not for token classification.
     *
     * @param examples the training examples (copied)
     * @return this builder
     */
    public FineTuning train(List<TextExample> examples) {
        this.trainExamples = List.copyOf(examples);
        this.trainFile = null;
        return this;
    }

    /**
     * Generated examples in the training file's format, added to training only, each weighing {@code weight} in the
     * loss (real ones weigh 1): see {@link EncodedDataset#withSynthetic}. Read with the training data's labels.
     *
     * @param file   the generated examples' file
     * @param weight each generated example's weight in the loss
     * @return this builder
     */
    public FineTuning synthetic(Path file, float weight) {
        this.syntheticFile = file;
        this.syntheticWeight = weight;
        return this;
    }

    /**
     * The validation data, read from a file like the training file and with its labels; replaces examples given with
     * {@link #validation(List)}. Without validation data nothing is evaluated.
     *
     * @param file a file of the training file's format
     * @return this builder
     */
    public FineTuning validation(Path file) {
        this.validationFile = file;
        this.validationExamples = null;
        return this;
    }

    /**
     * Validation examples built in code; their labels index the training data's labels. Replaces a validation file;
     * not for token classification.
     *
     * @param examples the validation examples (copied)
     * @return this builder
     */
    public FineTuning validation(List<TextExample> examples) {
        this.validationExamples = List.copyOf(examples);
        this.validationFile = null;
        return this;
    }

    /**
     * The label set in id order (default: the training file's labels, sorted).
     *
     * @param value the label names, in id order (copied)
     * @return this builder
     */
    public FineTuning labels(List<String> value) {
        this.labels = List.copyOf(value);
        return this;
    }

    /**
     * Tokens per example, special tokens included (default 128).
     *
     * @param value the maximum length, at least 2; lowered to the model's limit
     * @return this builder
     */
    public FineTuning maxLength(int value) {
        this.maxLength = value;
        return this;
    }

    /**
     * Training examples per batch (default 16) and per evaluation batch (default 32).
     *
     * @param train training examples per batch, at least 1
     * @param eval  evaluation examples per batch, at least 1
     * @return this builder
     */
    public FineTuning batchSizes(int train, int eval) {
        this.batchSize = train;
        this.evalBatchSize = eval;
        return this;
    }

    /**
     * Rebalances the training data each epoch (default {@link Sampling#NONE}), counting the examples {@code counts}
     * says (by default the real ones only).
     *
     * @param value  how to rebalance
     * @param counts which examples count when balancing: real ones only, or synthetic ones too
     * @return this builder
     */
    public FineTuning sampling(Sampling value, BalanceCounts counts) {
        this.sampling = value;
        this.balanceCounts = counts;
        return this;
    }

    /**
     * Batches examples of similar lengths together (transformers' {@code group_by_length}; off by default).
     *
     * @return this builder
     */
    public FineTuning groupByLength() {
        this.lengthGrouping = LengthGrouping.BY_LENGTH;
        return this;
    }

    /**
     * The classification head (default: the family's own).
     *
     * @param value the head
     * @return this builder
     */
    public FineTuning head(HeadSpec value) {
        this.head = value;
        return this;
    }

    /**
     * The loss (default: transformers' for the task).
     *
     * @param value chooses the loss once the training data is read
     * @return this builder
     */
    public FineTuning loss(LossChoice value) {
        this.loss = value;
        return this;
    }

    /**
     * A head in the checkpoint of another number of labels is discarded for a new one, instead of refused.
     *
     * @return this builder
     */
    public FineTuning replaceHead() {
        this.checkpointHead = CheckpointHead.REPLACE_MISMATCHED;
        return this;
    }

    /**
     * Which parameters train (default: all).
     *
     * @param value the trained parameters
     * @return this builder
     */
    public FineTuning trainedParameters(TrainedParameters value) {
        this.trained = value;
        return this;
    }

    /**
     * The matrix products' precision (default fp32; bf16 where the CPU has it).
     *
     * @param value the training precision
     * @return this builder
     */
    public FineTuning precision(Precision value) {
        this.precision = value;
        return this;
    }

    /**
     * Multi-label decision threshold for validation before the per-class tuning (default 0.5).
     *
     * @param value the probability at or above which a label is predicted
     * @return this builder
     */
    public FineTuning threshold(double value) {
        this.threshold = value;
        return this;
    }

    /**
     * The recipe; its output folder receives checkpoints and the final model. Required.
     *
     * @param value the training arguments
     * @return this builder
     */
    public FineTuning arguments(TrainingArguments value) {
        this.arguments = value;
        return this;
    }

    /**
     * Continues from a checkpoint folder of an earlier run with the same data and arguments.
     *
     * @param checkpoint the checkpoint folder
     * @return this builder
     */
    public FineTuning resumeFrom(Path checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /**
     * Told of every step, log entry and evaluation; listeners add up.
     *
     * @param value the listener
     * @return this builder
     */
    public FineTuning listener(TrainingListener value) {
        listeners.add(value);
        return this;
    }

    /**
     * Told the training data's examples per label, real and synthetic, once it is read and before training starts.
     * Not called for token classification.
     *
     * @param value the listener
     * @return this builder
     */
    public FineTuning onTrainingData(Consumer<ExampleCounts> value) {
        dataListeners.add(value);
        return this;
    }

    /**
     * What a run produced.
     *
     * <p>Not immutable: {@code metrics} is a plain mutable map and {@code state} the trainer's own, neither copied;
     * share a result between threads only if nobody modifies them.
     *
     * @param modelDir       the saved model's folder (the arguments' output folder)
     * @param bestCheckpoint the best checkpoint's folder, when checkpoints were evaluated
     * @param metrics        the saved model's validation metrics (with tuned thresholds' for multi-label); empty
     *                       without validation data
     * @param report         the validation report (per class, confusion matrix, or per entity type)
     * @param steps          optimizer steps taken
     * @param state          the run's log entries, evaluations and skipped steps
     * @param labels         the label names in id order
     * @param maxLength      the tokens per example used, after lowering to the model's limit
     * @param trainingData   examples per label, real and synthetic; empty for token classification
     */
    public record Result(Path modelDir, Optional<Path> bestCheckpoint, Map<String, Double> metrics, Optional<MetricReport> report,
                         long steps, TrainerState state, List<String> labels, int maxLength, Optional<ExampleCounts> trainingData) {
    }

    /**
     * Trains, saves and evaluates.
     *
     * @throws IllegalArgumentException when a required part is missing (the arguments, training data, labels of
     *                                  in-memory examples) or parts do not fit together
     * @return the saved model's folder, validation metrics and the run's state
     */
    public Result run() {
        if (arguments == null) throw new IllegalArgumentException("arguments(...) is needed: at least TrainingArguments.builder(outputDir).build()");
        if (trainFile == null && trainExamples == null) throw new IllegalArgumentException("train(...) is needed: a file or examples");
        if (batchSize < 1 || evalBatchSize < 1 || maxLength < 2) throw new IllegalArgumentException("batch sizes must be at least 1, maxLength at least 2");
        if (task == Task.TOKEN_CLASSIFICATION && (trainFile == null || validationExamples != null)) {
            throw new IllegalArgumentException("token classification reads its data from CoNLL-style files: train(Path) and validation(Path)");
        }
        Tokenizer tokenizer = Tokenizer.fromDirectory(model);
        int length = PretrainedEncoder.lengthWithinLimit(maxLength, EncoderConfig.load(model.resolve("config.json")), tokenizer);
        EncodeOptions encode = EncodeOptions.dynamicPadding(length);
        EncodedDataset trainSet = encoded(trainFile, trainExamples, labels == null ? null : LabelSet.of(labels), tokenizer, encode, "train");
        if (syntheticFile != null) {
            // read with the training labels, so a label the real data lacks stops at its file and line
            trainSet = trainSet.withSynthetic(encoded(syntheticFile, null, trainSet.labels(), tokenizer, encode, "synthetic"), syntheticWeight);
            LOG.info("training on {} real and {} synthetic examples from {} (loss weight {})", trainSet.realCount(),
                    trainSet.syntheticCount(), syntheticFile, syntheticWeight);
        }
        Optional<ExampleCounts> trainingData = task == Task.TOKEN_CLASSIFICATION ? Optional.empty() : Optional.of(trainSet.exampleCounts());
        trainingData.ifPresent(counts -> dataListeners.forEach(l -> l.accept(counts)));
        EncodedDataset validSet = validationFile == null && validationExamples == null ? null
                : encoded(validationFile, validationExamples, trainSet.labels(), tokenizer, encode, "validation");
        List<String> names = trainSet.labels() == null ? List.of("LABEL_0") : trainSet.labels().names();
        EncodedDataset counted = trainSet;
        ClassifierSpec spec = new ClassifierSpec(task, names, head, loss.choose(names, () -> counts(counted)), checkpointHead);
        TrainingArguments args = validSet == null ? arguments.withoutEvaluation() : arguments;
        try (ClassifierModel classifier = SavedClassifier.open(model, spec, args.seed(), trained)) {
            classifier.classifier().precision().forTraining(precision);
            List<Batch> validBatches = validSet == null ? null : validSet.batches(evalBatchSize);
            ClassifierEvaluator evaluator = validSet == null ? null : new ClassifierEvaluator(spec, validBatches, Thresholds.global(threshold));
            TrainerState state = new Trainer(classifier, EpochBatches.of(trainSet, batchSize, sampling, lengthGrouping, balanceCounts),
                    evaluator, args, listeners).train(Optional.ofNullable(resumeFrom));
            if (!state.skippedSteps().isEmpty()) {
                LOG.warn("{} of {} steps were skipped for a non-finite loss or gradient: steps {}", state.skippedSteps().size(),
                        state.globalStep(), state.skippedSteps());
            }
            classifier.save(args.outputDir());
            LOG.info("saved the model to {}", args.outputDir());
            Map<String, Double> metrics = new LinkedHashMap<>();
            Optional<MetricReport> report = Optional.empty();
            if (evaluator != null) {
                ClassifierEvaluator.Result result = evaluator.evaluateWithReport(classifier);
                metrics.putAll(result.metrics());
                report = Optional.of(result.report());
                if (task == Task.MULTI_LABEL) metrics.putAll(tuneThresholds(classifier, spec, validBatches, args.outputDir()));
            }
            Optional<Path> best = Optional.ofNullable(state.bestCheckpoint()).map(args.outputDir()::resolve);
            return new Result(args.outputDir(), best, metrics, report, state.globalStep(), state, names, length, trainingData);
        }
    }

    /** Examples per class, for class weights: single-label and multi-label data only. */
    private static ExampleCounts counts(EncodedDataset set) {
        if (set.task() != Task.SINGLE_LABEL && set.task() != Task.MULTI_LABEL) {
            throw new IllegalArgumentException("class weights and pos_weight need single-label or multi-label data, not " + set.task());
        }
        return set.exampleCounts();
    }

    /** Per-class thresholds tuned on the validation set, saved beside the model for prediction. */
    private Map<String, Double> tuneThresholds(ClassifierModel classifier, ClassifierSpec spec, List<Batch> batches, Path outputDir) {
        List<float[]> logits = new ArrayList<>();
        List<int[]> gold = new ArrayList<>();
        for (Batch b : batches) {
            logits.addAll(Arrays.asList(ReadBack.rows(classifier.predict(b), ReadBack.Use.OUTPUTS)));
            for (float[] row : ReadBack.rows(b.labels(), ReadBack.Use.LABELS)) {
                int[] g = new int[row.length];
                for (int c = 0; c < row.length; c++) g[c] = row[c] > 0.5f ? 1 : 0;
                gold.add(g);
            }
        }
        ThresholdTuning tuning = ThresholdTuner.tuneFromLogits(spec.labels(), logits.toArray(float[][]::new),
                gold.toArray(int[][]::new), threshold);
        tuning.thresholds().write(outputDir.resolve(Thresholds.FILE_NAME));
        LOG.info("tuned per-class thresholds: macro F1 {} -> {}", tuning.macroF1Before(), tuning.macroF1After());
        return Map.of("f1_macro_tuned_thresholds", tuning.macroF1After(), "f1_micro_tuned_thresholds", tuning.microF1After());
    }

    private EncodedDataset encoded(Path file, List<TextExample> examples, LabelSet labelSet, Tokenizer tokenizer, EncodeOptions encode,
                                   String what) {
        if (task == Task.TOKEN_CLASSIFICATION) {
            TokenReadOptions o = labelSet != null ? tokenReadOptions.withLabels(labelSet) : tokenReadOptions;
            return EncodedDataset.readTokens(file, o, tokenizer, encode, subwordLabels);
        }
        if (file != null) {
            TextReadOptions o = readOptions != null ? readOptions : TextReadOptions.forTask(task);
            return EncodedDataset.readText(file, labelSet != null ? o.withLabels(labelSet) : o, tokenizer, encode);
        }
        if (task != Task.REGRESSION && labelSet == null) {
            throw new IllegalArgumentException("the " + what + " examples were built in code: labels(...) must name the label set they index");
        }
        return EncodedDataset.ofText(examples, task, labelSet, tokenizer, encode);
    }
}

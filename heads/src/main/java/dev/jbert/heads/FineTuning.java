package dev.jbert.heads;

import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.EpochBatches;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.Sampling;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TextReader;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fine-tuning from Java in one statement, as {@code jbert train} does it for text tasks: the model folder's tokenizer
 * encodes the training and validation data (files read as the CLI reads them, or examples built in code), a
 * classification head goes on the encoder, the {@link Trainer} runs the {@link TrainingArguments}, and the model is
 * saved in Hugging Face layout to their output folder. A length beyond the model's limit is lowered to it, with a
 * warning; without validation data nothing is evaluated, whatever the arguments' evaluation strategy.
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
 * <p>A builder: not thread-safe, one {@link #run()} per instance. Token classification, class weights, resampling
 * and multi-label threshold tuning stay with the CLI for now.
 */
public final class FineTuning {

    private final Path model;
    private Task task = Task.SINGLE_LABEL;
    private TextReadOptions readOptions;
    private Path trainFile;
    private List<TextExample> trainExamples;
    private Path validationFile;
    private List<TextExample> validationExamples;
    private List<String> labels;
    private int maxLength = 128;
    private int batchSize = 16;
    private int evalBatchSize = 32;
    private TrainingArguments arguments;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private FineTuning(Path model) {
        this.model = model;
    }

    /** Fine-tunes the Hugging Face model folder {@code model} (its encoder, its tokenizer). */
    public static FineTuning of(Path model) {
        if (model == null) throw new IllegalArgumentException("a model folder is needed");
        return new FineTuning(model);
    }

    /** Single-label (the default), multi-label or regression. */
    public FineTuning task(Task value) {
        if (value == Task.TOKEN_CLASSIFICATION) throw new IllegalArgumentException("token classification is not a FineTuning task yet; use jbert train --task token");
        this.task = value;
        return this;
    }

    /** How to read the files: format, columns, header (default: the task's, columns found by name). */
    public FineTuning readOptions(TextReadOptions value) {
        this.readOptions = value;
        return this;
    }

    public FineTuning train(Path file) {
        this.trainFile = file;
        this.trainExamples = null;
        return this;
    }

    /** Examples built in code; their labels index {@link #labels(List)}, which is then required. */
    public FineTuning train(List<TextExample> examples) {
        this.trainExamples = List.copyOf(examples);
        this.trainFile = null;
        return this;
    }

    public FineTuning validation(Path file) {
        this.validationFile = file;
        this.validationExamples = null;
        return this;
    }

    public FineTuning validation(List<TextExample> examples) {
        this.validationExamples = List.copyOf(examples);
        this.validationFile = null;
        return this;
    }

    /** The label set in id order (default: the training file's labels, sorted). */
    public FineTuning labels(List<String> value) {
        this.labels = List.copyOf(value);
        return this;
    }

    /** Tokens per example, special tokens included (default 128). */
    public FineTuning maxLength(int value) {
        this.maxLength = value;
        return this;
    }

    /** Training examples per batch (default 16) and per evaluation batch (default 32). */
    public FineTuning batchSizes(int train, int eval) {
        this.batchSize = train;
        this.evalBatchSize = eval;
        return this;
    }

    /** The recipe; its output folder receives checkpoints and the final model. */
    public FineTuning arguments(TrainingArguments value) {
        this.arguments = value;
        return this;
    }

    /** Told of every step and evaluation. */
    public FineTuning listener(TrainingListener value) {
        listeners.add(value);
        return this;
    }

    /**
     * What a run produced.
     *
     * @param modelDir       the saved model's folder (the arguments' output folder)
     * @param bestCheckpoint the best checkpoint's folder, when checkpoints were evaluated
     * @param metrics        the saved model's validation metrics; empty without validation data
     * @param steps          optimizer steps taken
     */
    public record Result(Path modelDir, Optional<Path> bestCheckpoint, Map<String, Double> metrics, long steps) {
    }

    /**
     * Trains, evaluates and saves.
     *
     * @throws IllegalArgumentException when a required part is missing (the arguments, training data, labels of
     *                                  in-memory examples)
     */
    public Result run() {
        if (arguments == null) throw new IllegalArgumentException("arguments(...) is needed: at least TrainingArguments.builder(outputDir).build()");
        if (trainFile == null && trainExamples == null) throw new IllegalArgumentException("train(...) is needed: a file or examples");
        if (batchSize < 1 || evalBatchSize < 1 || maxLength < 2) throw new IllegalArgumentException("batch sizes must be at least 1, maxLength at least 2");
        Tokenizer tokenizer = Tokenizer.fromDirectory(model);
        EncodeOptions encode = EncodeOptions.dynamicPadding(
                PretrainedEncoder.lengthWithinLimit(maxLength, EncoderConfig.load(model.resolve("config.json")), tokenizer));
        EncodedDataset trainSet = encoded(trainFile, trainExamples, labels == null ? null : LabelSet.of(labels), tokenizer, encode, "train");
        EncodedDataset validSet = validationFile == null && validationExamples == null ? null
                : encoded(validationFile, validationExamples, trainSet.labels(), tokenizer, encode, "validation");
        List<String> names = trainSet.labels() == null ? List.of("LABEL_0") : trainSet.labels().names();
        ClassifierSpec spec = ClassifierSpec.of(task, names);
        TrainingArguments args = validSet == null ? arguments.withoutEvaluation() : arguments;
        try (ClassifierModel classifier = SavedClassifier.open(model, spec, args.seed(), TrainedParameters.ALL)) {
            ClassifierEvaluator evaluator = validSet == null ? null
                    : new ClassifierEvaluator(spec, validSet.batches(evalBatchSize), Thresholds.global(0.5));
            TrainerState state = new Trainer(classifier, EpochBatches.of(trainSet, batchSize, Sampling.NONE), evaluator, args,
                    listeners).train();
            classifier.save(args.outputDir());
            Map<String, Double> metrics = evaluator == null ? Map.of() : evaluator.evaluate(classifier);
            Optional<Path> best = Optional.ofNullable(state.bestCheckpoint()).map(Path::of);
            return new Result(args.outputDir(), best, metrics, state.globalStep());
        }
    }

    private EncodedDataset encoded(Path file, List<TextExample> examples, LabelSet labelSet, Tokenizer tokenizer, EncodeOptions encode,
                                   String what) {
        if (file != null) {
            TextReadOptions o = readOptions != null ? readOptions : TextReadOptions.forTask(task);
            if (labelSet != null) o = o.withLabels(labelSet);
            Dataset<TextExample> d = TextReader.read(file, o);
            return EncodedDataset.ofText(d.examples(), task, d.labels(), tokenizer, encode);
        }
        if (task != Task.REGRESSION && labelSet == null) {
            throw new IllegalArgumentException("the " + what + " examples were built in code: labels(...) must name the label set they index");
        }
        return EncodedDataset.ofText(examples, task, labelSet, tokenizer, encode);
    }
}

package dev.jbert.cli;

import dev.jbert.bert.config.Activation;
import dev.jbert.core.data.BalanceCounts;
import dev.jbert.core.data.ExampleCounts;
import dev.jbert.core.data.Sampling;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.core.imbalance.ClassWeightStrategy;
import dev.jbert.core.imbalance.ClassWeights;
import dev.jbert.core.imbalance.ClassWeightsFile;
import dev.jbert.core.metrics.ClassificationReport;
import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.train.Checkpoints;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.LoggingListener;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.optim.ScheduleType;
import dev.jbert.heads.FineTuning;
import dev.jbert.heads.HeadSpec;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.loss.FocalLoss;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.loss.MseLoss;
import dev.jbert.heads.loss.SigmoidFocalLoss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Fine-tunes a classifier: Hugging Face Trainer's recipe and flags, plus imbalance tools. The training itself is
 * {@link FineTuning}'s, as a Java application runs it; this command turns flags into its settings and writes the log,
 * report, plots and model card around it.
 */
@Command(name = "train", sortOptions = false, description = "Fine-tune a classifier on a labelled file and evaluate it.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Hugging Face model folder, a .onnx file, or omit for the built-in all-MiniLM-L6-v2.")
    String model;

    @Option(names = "--train", required = true, description = "Training file (csv, tsv, jsonl, or CoNLL columns for --task token).")
    Path train;

    @Option(names = "--validation", description = "Validation file; evaluated every epoch and at the end.")
    Path validation;

    @Option(names = "--synthetic", description = "Generated examples (e.g. from jbert augment) in the --train file's format, columns and task, added to the training set only (never to validation); extra columns or fields (synthetic, generator, prompt, ...) are ignored. Not for --task token.")
    Path synthetic;

    @Option(names = "--synthetic-weight", description = "Loss weight of each --synthetic example, > 0; real ones weigh 1, and a batch's loss is the weighted mean sum(w*loss)/sum(w), w times the class weight with class weights (default: 1.0).")
    Double syntheticWeight;

    @Option(names = "--synthetic-counts-for-balance", description = "Count --synthetic examples when --sampling balances classes and when --class-weights, --cb-beta or --pos-weight auto are computed (default: real examples only; with sampling, every synthetic example then joins each epoch once).")
    boolean syntheticCountsForBalance;

    @Option(names = "--task", defaultValue = "single-label", description = "single-label, multi-label, regression or token (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--output", required = true, description = "Output folder: the model, checkpoints, log.jsonl, report.md/json, plots.")
    Path output;

    @Mixin
    DataOptions data;

    @Mixin
    PrecisionOptions precision;

    @Option(names = "--num-train-epochs", defaultValue = "3", description = "Passes over the training data (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--max-steps", defaultValue = "-1", description = "Stop after this many optimizer steps, overriding the epochs; -1 for none (default: ${DEFAULT-VALUE}).") long maxSteps;
    @Option(names = "--per-device-train-batch-size", defaultValue = "16", description = "Training examples per batch (default: ${DEFAULT-VALUE}).") int batchSize;
    @Option(names = "--per-device-eval-batch-size", defaultValue = "32", description = "Examples per evaluation batch (default: ${DEFAULT-VALUE}).") int evalBatchSize;
    @Option(names = "--learning-rate", defaultValue = "5e-5", description = "AdamW's peak learning rate (default: ${DEFAULT-VALUE}).") double learningRate;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay, not applied to biases and LayerNorm weights (default: ${DEFAULT-VALUE}).") double weightDecay;
    @Option(names = "--warmup-ratio", defaultValue = "0.1", description = "Share of the steps spent warming the learning rate up from 0 (default: ${DEFAULT-VALUE}).") double warmupRatio;
    @Option(names = "--warmup-steps", defaultValue = "0", description = "Warm-up steps; overrides --warmup-ratio when above 0 (default: ${DEFAULT-VALUE}).") long warmupSteps;
    @Option(names = "--lr-scheduler-type", defaultValue = "linear", description = "Decay after warm-up: linear, cosine, constant or constant_with_warmup, as transformers names them (default: ${DEFAULT-VALUE}).") String scheduler;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Clip the global gradient norm to this (default: ${DEFAULT-VALUE}).") double maxGradNorm;
    @Option(names = "--skip-nonfinite-steps", description = "On a NaN or infinite loss or gradient, skip the step (no update; the run lists skipped steps at its end and in its checkpoints' trainer_state.json) instead of stopping with the last good checkpoint (default: stop).") boolean skipNonFiniteSteps;
    @Option(names = "--gradient-accumulation-steps", defaultValue = "1", description = "Batches whose gradients are summed before each optimizer step (default: ${DEFAULT-VALUE}).") int accumulation;
    @Option(names = "--eval-strategy", defaultValue = "epoch", description = "When to evaluate on --validation during training: no, steps or epoch; it is always evaluated at the end (default: ${DEFAULT-VALUE}).") String evalStrategy;
    @Option(names = "--eval-steps", defaultValue = "500", description = "Steps between evaluations with --eval-strategy steps (default: ${DEFAULT-VALUE}).") long evalSteps;
    @Option(names = "--save-strategy", defaultValue = "epoch", description = "When to write a checkpoint-N folder: no, steps or epoch (default: ${DEFAULT-VALUE}).") String saveStrategy;
    @Option(names = "--save-steps", defaultValue = "500", description = "Steps between checkpoints with --save-strategy steps (default: ${DEFAULT-VALUE}).") long saveSteps;
    @Option(names = "--save-total-limit", defaultValue = "2", description = "Checkpoints kept, the best one always among them; 0 keeps all (default: ${DEFAULT-VALUE}).") int saveTotalLimit;
    @Option(names = "--logging-steps", defaultValue = "10", description = "Steps between log entries: the mean loss over them, in log lines, log.jsonl and trainer_state.json (default: ${DEFAULT-VALUE}).") long loggingSteps;
    @Option(names = "--metric-for-best-model", description = "Validation metric that picks the best checkpoint (default: accuracy for single-label, f1_micro multi-label, spearman regression, entity_f1 token).") String metricForBestModel;
    @Option(names = "--load-best-model-at-end", defaultValue = "true", arity = "0..1", description = "Save the best checkpoint's model rather than the last, when evaluating and saving (default: ${DEFAULT-VALUE}).") boolean loadBestModelAtEnd;
    @Option(names = "--early-stopping-patience", defaultValue = "0", description = "Stop after this many evaluations without improvement; 0 never stops early (default: ${DEFAULT-VALUE}).") int earlyStoppingPatience;
    @Option(names = "--early-stopping-threshold", defaultValue = "0", description = "Smallest gain that counts as an improvement (default: ${DEFAULT-VALUE}).") double earlyStoppingThreshold;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the head's initial weights, the shuffling and dropout (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--label-smoothing-factor", defaultValue = "0", description = "Cross entropy label smoothing, as torch's label_smoothing (default: ${DEFAULT-VALUE}).") double labelSmoothing;
    @Option(names = "--resume-from-checkpoint", description = "A checkpoint-N folder, or 'latest' for the newest in --output.") String resume;

    @Option(names = "--loss", description = "ce, focal, bce, sigmoid-focal or mse (default: the task's: ce, bce, mse, ce).") String loss;
    @Option(names = "--class-weights", description = "inverse, sqrt_inverse, effective, or a JSON file (list, or label -> weight) for cross entropy.") String classWeights;
    @Option(names = "--cb-beta", description = "Class-balanced cross entropy (Cui et al.) with this beta, e.g. 0.999.") Double cbBeta;
    @Option(names = "--focal-gamma", defaultValue = "2.0", description = "Focal loss focusing parameter γ (default: ${DEFAULT-VALUE}).") double focalGamma;
    @Option(names = "--focal-alpha", description = "Softmax focal: comma-separated per-class alphas; sigmoid focal: one alpha (default 0.25).") String focalAlpha;
    @Option(names = "--pos-weight", description = "BCE: comma-separated per-class positive weights, or 'auto' (negatives / positives per class).") String posWeight;
    @Option(names = "--sampling", defaultValue = "none", description = "over, under or none: rebalance the training data each epoch (over: single-label, or multi-label by each example's rarest label; under: single-label).") String sampling;
    @Option(names = "--group-by-length", description = "Batch examples of similar lengths together (transformers' group_by_length): less padding, faster epochs; off by default, as there.") boolean groupByLength;
    @Option(names = "--head", defaultValue = "native", description = "Classifier head: native (the model family's own, as transformers has it), or mlp (one hidden layer on BERT's pooler) (default: ${DEFAULT-VALUE}).") String head;
    @Option(names = "--mlp-hidden-size", defaultValue = "256", description = "Hidden width of --head mlp (default: ${DEFAULT-VALUE}).") int mlpHidden;
    @Option(names = "--replace-head", description = "Discard a checkpoint head with another number of labels and train a new one.") boolean replaceHead;
    @Option(names = "--freeze-encoder", description = "Train the head only.") boolean freezeEncoder;
    @Option(names = "--label-all-tokens", description = "Token task: continuation subwords get the word's I- tag instead of -100.") boolean labelAllTokens;
    @Option(names = "--threshold", defaultValue = "0.5", description = "Multi-label decision threshold before tuning (default: ${DEFAULT-VALUE}).") double threshold;

    @Override
    public Integer call() throws Exception {
        NativeBackend.init();
        Precision products = precision.choose(true);
        Task dataTask = Task.parse(task);
        Path folder = Models.folder(model);
        BalanceCounts balance = syntheticCountsForBalance ? BalanceCounts.REAL_AND_SYNTHETIC : BalanceCounts.REAL;
        float weight = syntheticWeight(dataTask);
        String metric = metricForBestModel != null ? metricForBestModel : defaultMetric(dataTask);
        boolean evaluate = validation != null && !evalStrategy.equals("no");
        TrainingArguments args = TrainingArguments.builder(output)
                .numTrainEpochs(epochs).maxSteps(maxSteps).learningRate(learningRate).weightDecay(weightDecay)
                .warmupRatio(warmupRatio).warmupSteps(warmupSteps).lrSchedulerType(ScheduleType.parse(scheduler))
                .maxGradNorm(maxGradNorm).skipNonFiniteSteps(skipNonFiniteSteps).gradientAccumulationSteps(accumulation)
                .evalStrategy(evaluate ? IntervalStrategy.parse(evalStrategy) : IntervalStrategy.NO).evalSteps(evalSteps)
                .saveStrategy(IntervalStrategy.parse(saveStrategy)).saveSteps(saveSteps).saveTotalLimit(saveTotalLimit)
                .loggingSteps(loggingSteps).metricForBestModel(metric)
                .loadBestModelAtEnd(evaluate && loadBestModelAtEnd && !saveStrategy.equals("no"))
                .earlyStoppingPatience(earlyStoppingPatience).earlyStoppingThreshold(earlyStoppingThreshold)
                .seed(seed).build();
        FineTuning fineTuning = FineTuning.of(folder).task(dataTask)
                .readOptions(data.text(dataTask, true)).readOptions(data.tokens())
                .subwordLabels(labelAllTokens ? SubwordLabels.ALL_SUBWORDS : SubwordLabels.FIRST_SUBWORD)
                .train(train).maxLength(data.maxSeqLength).batchSizes(batchSize, evalBatchSize)
                .sampling(Sampling.valueOf(sampling.toUpperCase(java.util.Locale.ROOT)), balance)
                .head(headSpec()).loss((labels, counts) -> loss(dataTask, labels, counts, balance))
                .trainedParameters(freezeEncoder ? TrainedParameters.HEAD_ONLY : TrainedParameters.ALL)
                .precision(products).threshold(threshold).arguments(args);
        if (synthetic != null) fineTuning.synthetic(synthetic, weight);
        if (validation != null) fineTuning.validation(validation);
        if (groupByLength) fineTuning.groupByLength();
        if (replaceHead) fineTuning.replaceHead();

        Files.createDirectories(output);
        Optional<Path> resumeFrom = resumePoint();
        resumeFrom.ifPresent(fineTuning::resumeFrom);
        Path logFile = output.resolve("log.jsonl");
        FineTuning.Result result;
        try (JsonlLog log = resumeFrom.isEmpty() ? JsonlLog.fresh(logFile)
                : JsonlLog.continuedAfter(logFile, Checkpoints.state(resumeFrom.get()).globalStep())) {
            if (resumeFrom.isEmpty()) fineTuning.onTrainingData(counts -> log.trainingData(trainingData(counts)));
            result = fineTuning.listener(log).listener(System.console() != null ? new ProgressListener() : new LoggingListener()).run();
        }
        Report.TrainingData trainingData = result.trainingData().map(this::trainingData).orElse(null);
        Path plots = output.resolve("plots");
        Files.createDirectories(plots);
        Plots.lossAndLearningRate(result.state().steps(), plots);
        Plots.metric(result.state().evaluations(), metric, plots);
        Map<String, Double> metrics = null;
        if (result.report().isPresent()) {
            metrics = result.metrics();
            String md = Report.write("Validation report: " + validation.getFileName(), metrics, result.report().get(), trainingData, output);
            if (result.report().get() instanceof ClassificationReport r) {
                Plots.confusionMatrix(r.confusionMatrix().toArray(), result.labels(), plots);
            }
            System.out.println(md);
            System.out.printf("validation %s: %.4f%n", metric, metrics.get(metric));
        }
        new ModelCard(model, task, dataTask == Task.REGRESSION ? List.of() : result.labels(), trainingData,
                recipe(products, result.maxLength()), metrics, validation).write(output);
        return 0;
    }

    private Report.TrainingData trainingData(ExampleCounts counts) {
        return new Report.TrainingData(counts, train, synthetic);
    }

    /** The settings the model card lists. */
    private Map<String, String> recipe(Precision products, int maxLength) {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        r.put("epochs", maxSteps > 0 ? maxSteps + " steps" : Integer.toString(epochs));
        r.put("batch size", batchSize + (accumulation > 1 ? " × " + accumulation + " accumulated" : ""));
        r.put("learning rate", learningRate + ", " + scheduler + " schedule, warm-up " + (warmupSteps > 0 ? warmupSteps + " steps" : "ratio " + warmupRatio));
        r.put("weight decay", Double.toString(weightDecay));
        r.put("max grad norm", Double.toString(maxGradNorm));
        r.put("max sequence length", Integer.toString(maxLength));
        r.put("loss", loss == null ? "the task's default" : loss);
        if (classWeights != null) r.put("class weights", classWeights);
        if (cbBeta != null) r.put("class-balanced beta", cbBeta.toString());
        if (!sampling.equals("none")) r.put("sampling", sampling);
        r.put("precision", products.name().toLowerCase(java.util.Locale.ROOT));
        r.put("seed", Long.toString(seed));
        return r;
    }

    private Optional<Path> resumePoint() {
        if (resume == null) return Optional.empty();
        if (resume.equals("latest")) {
            return Optional.of(new Checkpoints(output).latest().orElseThrow(() ->
                    new IllegalArgumentException("--resume-from-checkpoint latest: no checkpoint-N folder in " + output)));
        }
        return Optional.of(Path.of(resume));
    }

    private HeadSpec headSpec() {
        return switch (head) {
            case "native" -> HeadSpec.nativeHead();
            case "mlp" -> HeadSpec.mlp(mlpHidden, Activation.TANH);
            default -> throw new UsageException("--head " + head + ": expected native or mlp");
        };
    }

    /** The --synthetic-weight, checked; usage errors where it, or --synthetic, cannot apply. */
    private float syntheticWeight(Task dataTask) {
        if (synthetic == null) {
            if (syntheticWeight != null || syntheticCountsForBalance) {
                throw new UsageException((syntheticWeight != null ? "--synthetic-weight" : "--synthetic-counts-for-balance")
                        + " applies to --synthetic examples, and none are given");
            }
            return 1f;
        }
        if (dataTask == Task.TOKEN_CLASSIFICATION) {
            throw new UsageException("--synthetic " + synthetic + ": token classification takes no synthetic examples"
                    + " (their weight is per example, the token loss per token; jbert augment does not generate them)");
        }
        float w = syntheticWeight == null ? 1f : syntheticWeight.floatValue();
        if (!(w > 0) || Float.isInfinite(w)) {
            throw new UsageException("--synthetic-weight " + syntheticWeight + ": expected a finite number > 0 (1 weighs a synthetic example as a real one)");
        }
        return w;
    }

    private Loss loss(Task dataTask, List<String> labels, Supplier<ExampleCounts> counts, BalanceCounts balance) {
        String kind = loss != null ? loss : switch (dataTask) {
            case SINGLE_LABEL, TOKEN_CLASSIFICATION -> "ce";
            case MULTI_LABEL -> "bce";
            case REGRESSION -> "mse";
        };
        return switch (kind) {
            case "ce" -> new CrossEntropyLoss(classWeights(labels, counts, balance), labelSmoothing);
            case "focal" -> new FocalLoss(focalGamma, focalAlpha == null ? null : floats(focalAlpha, labels.size(), "--focal-alpha"));
            case "bce" -> new BceWithLogitsLoss(posWeights(labels, counts, balance));
            case "sigmoid-focal" -> new SigmoidFocalLoss(focalGamma, focalAlpha == null ? 0.25 : Double.parseDouble(focalAlpha));
            case "mse" -> new MseLoss();
            default -> throw new UsageException("--loss " + kind + ": expected ce, focal, bce, sigmoid-focal or mse");
        };
    }

    /** Class weights for cross entropy, from a strategy over the training labels, a file, or class-balanced β. */
    private float[] classWeights(List<String> labels, Supplier<ExampleCounts> counts, BalanceCounts balance) {
        if (cbBeta != null) return ClassWeights.classBalanced(counts.get().forBalance(balance), cbBeta).toFloatArray();
        if (classWeights == null) return null;
        Path file = Path.of(classWeights);
        if (Files.isRegularFile(file)) return ClassWeightsFile.read(file, labels).toFloatArray();
        return ClassWeights.compute(ClassWeightStrategy.parse(classWeights), counts.get().forBalance(balance)).toFloatArray();
    }

    private float[] posWeights(List<String> labels, Supplier<ExampleCounts> counts, BalanceCounts balance) {
        if (posWeight == null) return null;
        if (!posWeight.equals("auto")) return floats(posWeight, labels.size(), "--pos-weight");
        long[] positives = counts.get().forBalance(balance);
        int examples = counts.get().examplesForBalance(balance);
        float[] w = new float[labels.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = positives[c] == 0 ? 1f : (float) (examples - positives[c]) / positives[c];
        }
        return w;
    }

    private static float[] floats(String list, int expected, String option) {
        String[] parts = list.split(",");
        if (parts.length != expected) {
            throw new IllegalArgumentException(option + " gives " + parts.length + " values but there are " + expected + " labels");
        }
        float[] f = new float[parts.length];
        for (int i = 0; i < f.length; i++) f[i] = Float.parseFloat(parts[i].strip());
        return f;
    }

    static String defaultMetric(Task task) {
        return switch (task) {
            case SINGLE_LABEL -> "accuracy";
            case MULTI_LABEL -> "f1_micro";
            case REGRESSION -> "spearman";
            case TOKEN_CLASSIFICATION -> "entity_f1";
        };
    }
}

package dev.jbert.cli;

import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierEvaluator;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The full report of a saved model on a labelled file. */
@Command(name = "eval", description = "Evaluate a fine-tuned model on a labelled file: metrics, per-class report, confusion matrix.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "A model folder saved by 'train' (or a fine-tuned transformers folder).")
    Path model;

    @Option(names = {"--data", "--validation"}, required = true, description = "Labelled file to evaluate on.")
    Path file;

    @Option(names = "--output", description = "Folder for report.md and report.json (default: print only).")
    Path output;

    @Option(names = "--per-device-eval-batch-size", defaultValue = "32", description = "Examples per batch (default: ${DEFAULT-VALUE}).") int batchSize;

    @Option(names = "--threshold", description = "Multi-label: one decision threshold for every label, instead of the tuned per-class "
            + "thresholds saved with the model (0.5 where there are none).")
    Double threshold;

    @Mixin
    DataOptions data;

    @Mixin
    PrecisionOptions precision;

    @Override
    public Integer call() {
        NativeBackend.init();
        Precision products = precision.choose(false);
        ClassifierSpec spec = SavedClassifier.specOf(model);
        ClassifierModel classifier = SavedClassifier.open(model, spec, 0, TrainedParameters.ALL);
        classifier.classifier().precision().forInference(products);
        data.maxSeqLength = PretrainedEncoder.lengthWithinLimit(data.maxSeqLength, EncoderConfig.load(model.resolve("config.json")),
                classifier.tokenizer());
        Task task = spec.task();
        LabelSet labels = spec.task() == Task.REGRESSION ? null : LabelSet.of(spec.labels());
        EncodedDataset set = Datasets.labelled(file, task, data, labels, classifier.tokenizer(), SubwordLabels.FIRST_SUBWORD);
        ClassifierEvaluator.Result result = new ClassifierEvaluator(spec, set.batches(batchSize), thresholds()).evaluateWithReport(classifier);
        String title = "Evaluation of " + model.getFileName() + " on " + file.getFileName()
                + (products == Precision.FP32 ? "" : " (" + products.flag() + ")");
        System.out.println(output == null ? Report.markdown(title, result.metrics(), result.report())
                : Report.write(title, result.metrics(), result.report(), output));
        return 0;
    }

    /** What predict and serve would decide with: the saved per-class thresholds unless one is given. */
    private Thresholds thresholds() {
        if (threshold != null) return Thresholds.global(threshold);
        Path saved = model.resolve(Thresholds.FILE_NAME);
        return Files.isRegularFile(saved) ? Thresholds.read(saved) : Thresholds.global(Thresholds.DEFAULT);
    }
}

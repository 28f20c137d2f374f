package dev.jbert.heads.readme;

// README imports
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.core.data.BalanceCounts;
import dev.jbert.core.data.Label;
import dev.jbert.core.data.Sampling;
import dev.jbert.core.data.SourceLine;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.imbalance.ClassWeightStrategy;
import dev.jbert.core.imbalance.ClassWeights;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.PrecisionSupport;
import dev.jbert.core.train.LoggingListener;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.FineTuning;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
// END

/**
 * The Java examples of the README, compiled and run by {@link ReadmeExamplesTest}; the README's blocks are checked to be
 * these regions (between {@code // README name} and {@code // END}), so they cannot go stale.
 */
final class ReadmeExamples {

    private ReadmeExamples() {
    }

    static FineTuning.Result fineTune(Path model, Path trainFile, Path devFile, Path output) {
        // README fine-tune
        FineTuning.Result result = FineTuning.of(model)
                .task(Task.SINGLE_LABEL)
                .train(trainFile)
                .validation(devFile)
                .maxLength(128)
                .arguments(TrainingArguments.builder(output).numTrainEpochs(3).learningRate(5e-5)
                        .weightDecay(0.01).warmupRatio(0.1).build())
                .listener(new LoggingListener())
                .run();
        System.out.println(result.metrics().get("accuracy") + ", saved to " + result.modelDir());
        // END
        return result;
    }

    static FineTuning.Result fineTuneImbalanced(Path model, Path trainFile, Path devFile, Path output) {
        // README imbalanced
        FineTuning.Result result = FineTuning.of(model)
                .train(trainFile)
                .validation(devFile)
                .loss((labels, counts) -> new CrossEntropyLoss(      // class weights from the training counts
                        ClassWeights.compute(ClassWeightStrategy.SQRT_INVERSE, counts.get().forBalance(BalanceCounts.REAL))
                                .toFloatArray(), 0.0))
                .sampling(Sampling.OVER, BalanceCounts.REAL)         // and oversampled to balance each epoch
                .arguments(TrainingArguments.builder(output).numTrainEpochs(1).build())
                .run();
        System.out.println(result.report().orElseThrow());          // per-class precision, recall, F1
        // END
        return result;
    }

    static FineTuning.Result fineTuneInMemory(Path model, Path output) {
        // README in-memory
        List<TextExample> examples = List.of(
                new TextExample("a wonderful film", null, Label.classIndex(1), SourceLine.inMemory(1)),
                new TextExample("dull and far too long", null, Label.classIndex(0), SourceLine.inMemory(2)));
        FineTuning.Result result = FineTuning.of(model)
                .labels(List.of("negative", "positive"))          // what the label indices mean
                .train(examples)
                .arguments(TrainingArguments.builder(output).numTrainEpochs(1).build())
                .run();
        // END
        return result;
    }

    static List<String> classifyFromThreads(Path fineTuned, List<String> texts) throws Exception {
        List<String> labels = new ArrayList<>();
        // README classify
        try (TextClassifier classifier = TextClassifier.load(fineTuned)) {   // load once; safe from any thread
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Classification>> futures = texts.stream()
                    .map(text -> pool.submit(() -> classifier.classify(text)))
                    .toList();
            for (Future<Classification> f : futures) labels.add(f.get().asSingleLabel().label());
            pool.shutdown();
        }
        // END
        return labels;
    }

    static long[] encode(Path model, List<String> texts) {
        long[] shape;
        // README encoder
        try (PretrainedEncoder bert = PretrainedEncoder.load(model)) {        // frees its native memory on close
            List<Encoding> batch = bert.tokenizer().encodeBatch(texts, EncodeOptions.dynamicPadding(128));
            PretrainedEncoder.Output out = bert.forward(batch);              // last_hidden_state, pooler_output
            shape = out.lastHiddenState().shape();                           // [batch, tokens, hidden]
        }
        // END
        return shape;
    }

    static void embedding(Path sst2, Path ner, List<String> texts) {
        // README embedding
        try (TextClassifier classifier = TextClassifier.load(sst2)) {
            Classification c = classifier.classify("a wonderful film");            // blocks; any thread
            String label = c.asSingleLabel().label();                              // score(), probabilities()
            boolean cut = c.truncated();
            List<Classification> many = classifier.classifyBatch(texts);
            classifier.classifyAsync("another one").thenAccept(System.out::println).join();
        }
        try (TextClassifier tagger = TextClassifier.load(ner)) {
            tagger.entities("Angela Merkel visited Paris.").entities()             // groups with character offsets
                  .forEach(e -> System.out.println(e.label() + " " + e.start() + ".." + e.end()));
        }
        // END
    }

    static void precision(ClassifierModel model, Path dir) {
        // README precision
        if (PrecisionSupport.supported(Precision.BF16)) {                        // whether this machine runs it fast
            model.classifier().precision().forTraining(Precision.BF16);         // a ClassifierModel, before Trainer.train()
        }
        if (PrecisionSupport.supported(Precision.INT8)) {
            try (TextClassifier c = TextClassifier.load(dir, InferenceOptions.defaults().withPrecision(Precision.INT8))) {
                c.classify("scored with int8 products");
            }
        }
        // END
    }
}

package dev.jbert.bench;

import dev.jbert.core.data.Task;
import dev.jbert.bench.harness.ProcessMemory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.RandomWeights;
import dev.jbert.core.data.Batch;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.TokenizerConfig;
import dev.jbert.core.tokenizer.Vocabulary;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.LoggingListener;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.EncoderClassifier;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Time and memory of the training loop over a long run, on a random-weight BERT-tiny
 * (2 layers, hidden 128, 2 heads) with dropout on: median step time, and resident memory sampled
 * every 50 steps to show whether it stays flat after warm-up.
 *
 * <p>Usage: {@code TrainingLoopBench [steps=400] [batch=32] [seqLen=128]}
 */
public final class TrainingLoopBench {

    private TrainingLoopBench() {
    }

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seqLen = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int vocab = 30522;
        EncoderConfig config = EncoderConfig.fromJson(new ObjectMapper().readTree("""
                {"vocab_size": %d, "hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 512, "max_position_embeddings": 512}""".formatted(vocab)));
        ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, 2);
        EncoderClassifier classifier = EncoderClassifier.build(config, new RandomWeights(1, 0.02), spec, 1);
        ClassifierModel model = new ClassifierModel(classifier, syntheticTokenizer(vocab), name -> true);

        Random random = new Random(7);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < 8; b++) batches.add(randomBatch(random, batchSize, seqLen, vocab));
        TrainingData data = TrainingData.fixed(batches, "random");
        Path out = Files.createTempDirectory("jbert-bench");
        TrainingArguments trainingArgs = TrainingArguments.builder(out).maxSteps(steps).learningRate(5e-5).weightDecay(0.01)
                .warmupRatio(0.1).evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).build();
        List<double[]> samples = new ArrayList<>();
        TrainingListener memory = new TrainingListener() {
            @Override
            public void onLog(StepLog log, TrainerState state, TrainerControl control) {
                if (log.step() % 50 == 0 || log.step() == 1) {
                    samples.add(new double[]{log.step(), ProcessMemory.residentMegabytes(), Runtime.getRuntime().totalMemory() / 1e6});
                }
            }
        };
        long start = System.nanoTime();
        TrainerState state = new Trainer(model, data, null, trainingArgs, List.of(memory, new LoggingListener())).train();
        double wall = (System.nanoTime() - start) / 1e9;

        double[] times = state.steps().stream().skip(10).mapToDouble(StepLog::seconds).sorted().toArray();
        System.out.printf("BERT-tiny train, batch %d x %d, %d steps, backend %s, %d threads%n", batchSize, seqLen, steps,
                Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("step time after warm-up: median %.1f ms, p10 %.1f ms, p90 %.1f ms; %.1f sequences/s; wall %.1f s%n",
                1e3 * times[times.length / 2], 1e3 * times[times.length / 10], 1e3 * times[times.length * 9 / 10],
                batchSize / times[times.length / 2], wall);
        System.out.println("step  RSS(MB)  JVM heap committed(MB)");
        for (double[] s : samples) System.out.printf("%4d  %7.0f  %7.0f%n", (long) s[0], s[1], s[2]);
    }

    private static Batch randomBatch(Random random, int batch, int seq, int vocab) {
        int[][] ids = new int[batch][seq], types = new int[batch][seq], mask = new int[batch][seq];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            int len = seq / 2 + random.nextInt(seq / 2 + 1);
            for (int t = 0; t < seq; t++) {
                ids[b][t] = t < len ? 1000 + random.nextInt(vocab - 1000) : 0;
                mask[b][t] = t < len ? 1 : 0;
            }
            labels[b] = random.nextInt(2);
        }
        return new Batch(ids, types, mask, Nd4j.createFromArray(labels));
    }

    private static Tokenizer syntheticTokenizer(int size) {
        List<String> tokens = new ArrayList<>(Arrays.asList("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (int i = tokens.size(); i < size; i++) tokens.add("tok" + i);
        return Tokenizer.of(Vocabulary.of(tokens), TokenizerConfig.uncased());
    }
}

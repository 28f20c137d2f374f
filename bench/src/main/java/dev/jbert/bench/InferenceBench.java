package dev.jbert.bench;

import dev.jbert.core.data.Task;
import dev.jbert.bench.harness.ModelShape;
import dev.jbert.bench.harness.ProcessMemory;

import dev.jbert.bert.model.RandomWeights;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.TokenizerConfig;
import dev.jbert.core.tokenizer.Vocabulary;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.EncoderClassifier;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.InferenceStats;
import dev.jbert.heads.inference.TextClassifier;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Latency and throughput of {@link TextClassifier} serving single-text requests from 1, 4 and 16 concurrent
 * clients (threads calling {@code classify} in a closed loop), with micro-batching on (batches of up to 32 of
 * what queued during the previous forward pass, the default; or also waiting up to 5 ms for a batch to fill) and
 * off (batch size 1); and the resident memory of the process once the model is loaded and under load.
 *
 * <p>Usage: {@code InferenceBench [MODEL_DIR|-] [SECONDS_PER_CONFIGURATION=5]}. Without a folder (or with
 * {@code -}), a random-weight BERT-tiny classifier (2 layers, hidden 128, 2 heads, vocab 30,522, 2 labels) is
 * saved to a temporary folder and loaded from there; building it costs memory of its own, so for a clean
 * resident-memory figure save it first with {@code InferenceBench --save-tiny DIR} and pass {@code DIR}. A folder without a trained head (a pretrained encoder such
 * as all-MiniLM-L6-v2) gets a random 2-label head first. Requests are random sequences of vocabulary words,
 * 8 to 48 words long.
 */
public final class InferenceBench {

    private static final int[] CLIENTS = {1, 4, 16};

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--save-tiny")) {
            Path dir = Path.of(args[1]);
            saveRandomModel(ModelShape.TINY, dir);
            System.out.println("saved a random-weight BERT-tiny classifier to " + dir);
            return;
        }
        Path folder = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : null;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Path modelDir = folder == null ? tinyModel() : withHead(folder);
        List<String> texts = sampleTexts(Tokenizer.fromDirectory(modelDir), 512, new Random(11));

        System.out.printf("model %s; backend %s, %d cores; %.0f s per configuration after 1 s warm-up%n",
                folder == null ? "random BERT-tiny (2 layers, hidden 128)" : folder, backend(),
                Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("resident memory before loading: %.0f MB%n", ProcessMemory.residentMegabytes());
        List<String> rows = new ArrayList<>();
        List<InferenceOptions> configurations = List.of(
                InferenceOptions.defaults(),                                    // batching what queued during the last pass
                InferenceOptions.defaults().withMaxWait(Duration.ofMillis(5)), // waiting up to 5 ms for a batch to fill
                InferenceOptions.defaults().withMaxBatchSize(1));              // off
        for (InferenceOptions options : configurations) {
            long start = System.nanoTime();
            try (TextClassifier classifier = TextClassifier.load(modelDir, options)) {
                if (options == configurations.get(0)) {
                    System.out.printf("loaded in %.2f s; resident memory after loading: %.0f MB (JVM heap committed %.0f MB)%n",
                            (System.nanoTime() - start) / 1e9, ProcessMemory.residentMegabytes(), Runtime.getRuntime().totalMemory() / 1e6);
                }
                // every input length once, alone and batched, then a while under load, so that no configuration
                // pays for first-time shapes or for code the JIT has not compiled yet
                for (String text : texts.subList(0, 64)) classifier.classify(text);
                classifier.classifyBatch(texts.subList(0, 64));
                run(classifier, texts, 16, 2);
                for (int clients : CLIENTS) {
                    String row = run(classifier, texts, clients, seconds);
                    System.out.println(row);
                    rows.add(row);
                }
                System.out.printf("resident memory after these runs: %.0f MB (JVM heap committed %.0f MB)%n",
                        ProcessMemory.residentMegabytes(), Runtime.getRuntime().totalMemory() / 1e6);
            }
        }
        System.out.println();
        System.out.println("| micro-batching | clients | requests/s | p50 ms | p99 ms | mean batch |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** {@code clients} threads classify one text at a time for {@code seconds}, after a warm-up second. */
    private static String run(TextClassifier classifier, List<String> texts, int clients, double seconds)
            throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        List<List<Long>> latencies = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            Random random = new Random(100 + c);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        String text = texts.get(random.nextInt(texts.size()));
                        long s = System.nanoTime();
                        classifier.classify(text);
                        long took = System.nanoTime() - s;
                        if (measuring.get()) mine.add(took);
                    }
                } finally {
                    done.countDown();
                }
            }, "client-" + c);
            threads.add(t);
            t.start();
        }
        Thread.sleep(1000);
        InferenceStats before = classifier.stats();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        InferenceStats after = classifier.stats();
        stop.set(true);
        done.await();
        long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        long batches = after.batches() - before.batches();
        double meanBatch = batches == 0 ? 0 : (double) (after.texts() - before.texts()) / batches;
        InferenceOptions o = classifier.options();
        String mode = o.maxBatchSize() == 1 ? "off" : "on (" + o.maxBatchSize() + ", " + o.maxWait().toMillis() + " ms)";
        String row = String.format("| %s | %d | %.1f | %.1f | %.1f | %.1f |", mode, clients,
                all.length / elapsed, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, meanBatch);
        return row;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    /** A random-weight BERT-tiny single-label classifier saved as a Hugging Face folder. */
    private static Path tinyModel() throws IOException {
        Path dir = Files.createTempDirectory("jbert-inference-bench");
        saveRandomModel(ModelShape.TINY, dir);
        return dir;
    }

    /**
     * A random-weight single-label classifier (labels negative, positive) of {@code shape}, with a WordPiece
     * vocabulary of the shape's size ({@code [PAD] [UNK] [CLS] [SEP] [MASK]}, then {@code w5}, {@code w6}, ...), saved
     * as a Hugging Face folder: a model to measure, not to predict with.
     */
    public static void saveRandomModel(ModelShape shape, Path dir) {
        ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, List.of("negative", "positive"));
        EncoderClassifier classifier = EncoderClassifier.build(shape.config(), new RandomWeights(1, 0.02), spec, 1);
        List<String> tokens = new ArrayList<>(Arrays.asList("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (int i = tokens.size(); i < shape.vocab(); i++) tokens.add("w" + i);
        Tokenizer tokenizer = Tokenizer.of(Vocabulary.of(tokens), TokenizerConfig.uncased());
        new ClassifierModel(classifier, tokenizer, name -> true).save(dir);
    }

    /** The folder itself when it has a head; otherwise a copy with a random 2-label head (for measuring, not predicting). */
    public static Path withHead(Path folder) throws IOException {
        try {
            TextClassifier.load(folder).close();
            return folder;
        } catch (RuntimeException noHead) {
            System.out.println("no trained head in " + folder + " (" + noHead.getMessage().lines().findFirst().orElse("")
                    + "): adding a random 2-label head");
            Path dir = Files.createTempDirectory("jbert-inference-bench");
            ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, List.of("negative", "positive"));
            SavedClassifier.open(folder, spec, 1, TrainedParameters.ALL).save(dir);
            return dir;
        }
    }

    /** Texts of 8 to 48 random whole-word vocabulary entries. */
    public static List<String> sampleTexts(Tokenizer tokenizer, int count, Random random) {
        List<String> words = new ArrayList<>();
        for (int id = 0; id < tokenizer.size(); id++) {
            String token = tokenizer.idToToken(id);
            if (token.matches("[a-z]\\w*") && !token.startsWith("##")) words.add(token);
        }
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = 8 + random.nextInt(41);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < n; w++) sb.append(w == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
            texts.add(sb.toString());
        }
        return texts;
    }

    private static String backend() {
        Object backend = Nd4j.getExecutioner().getEnvironmentInformation().get("backend");
        return String.valueOf(backend);
    }
}

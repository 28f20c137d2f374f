package dev.jbert.bench.harness;

import dev.jbert.bench.harness.BenchReport.Footprint;
import dev.jbert.bench.harness.BenchReport.Latency;
import dev.jbert.bench.harness.BenchReport.LongContext;
import dev.jbert.bench.harness.BenchReport.Profile;
import dev.jbert.bench.harness.BenchReport.ShapeResult;
import dev.jbert.bench.harness.BenchReport.Throughput;
import dev.jbert.bench.harness.BenchReport.TokenizerThroughput;
import dev.jbert.core.FileTrees;
import dev.jbert.bert.model.RandomWeights;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TextReader;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.heads.EncoderClassifier;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Runs the benchmark: the machine's matrix-multiply peak, tokenizer throughput, then for each shape
 * inference throughput (a batched forward pass), training throughput (forward, backward, clipping and
 * AdamW through the real {@link Trainer}, dropout on), the time to load a saved classifier, and
 * single-text latency through {@link TextClassifier}; finally the PyTorch figures to compare with.
 *
 * <p>Weights are random (the speed of a BERT does not depend on its values); every position of every
 * sequence is a real token, so no padding flatters the figures. Resident memory is the whole process's,
 * sampled after each timed step: a shape measured after another one also carries what the JVM and
 * the allocator kept of it.
 */
public final class Harness {

    private static final int LABELS = 2;
    private final BenchOptions options;
    private final PrintStream log;

    public Harness(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /**
     * @param pytorchScript the PyTorch side's script
     * @param python        the Python command that runs it
     */
    public BenchReport run(Path pytorchScript, String python) {
        Machine machine = Machine.current();
        log.println("machine: " + machine.describe());
        GemmPeak gemm = GemmPeak.measure(options.gemmSize(), 30);
        log.printf("GEMM %d³: %.1f GFLOP/s best, %.1f median%n", gemm.size(), gemm.gflops(), gemm.medianGflops());
        Tokenizer tokenizer = Tokenizer.fromDirectory(options.tokenizerFolder());
        List<String> texts = readTexts(options.texts());
        TokenizerThroughput tokenizing = tokenizerThroughput(tokenizer, texts);
        log.printf("tokenizer: %.0f texts/s, %.0f tokens/s (%d texts of %s)%n", tokenizing.textsPerSecond(),
                tokenizing.tokensPerSecond(), tokenizing.texts(), options.texts());
        String longText = longText(texts, tokenizer);

        List<ShapeResult> shapes = new ArrayList<>();
        List<LongContext> longContext = new ArrayList<>();
        List<Optional<PyTorchSide.Figures>> torch = new ArrayList<>();
        for (ModelShape shape : options.shapes()) {
            shapes.add(measure(shape, tokenizer, longText, gemm));
            longContext.addAll(longContext(shape));
            if (options.pytorch() == PyTorchSide.Mode.AUTO && (torch.isEmpty() || torch.get(torch.size() - 1).isPresent())) {
                torch.add(PyTorchSide.measure(options, List.of(shape), pytorchScript, python, log));
            }
        }
        PyTorchSide.Figures pytorch = PyTorchSide.combine(options, torch);
        BenchReport.Settings settings = new BenchReport.Settings(options.length(), options.warmupSteps(), options.steps(),
                options.latencyRequests(), "matrix products only, 2 FLOPs per multiply-add; training = 3 × forward");
        return new BenchReport(LocalDate.now().toString(), machine, settings, gemm, tokenizing, shapes, longContext, pytorch);
    }

    private ShapeResult measure(ModelShape shape, Tokenizer tokenizer, String longText, GemmPeak gemm) {
        List<Throughput> throughputs = new ArrayList<>();
        List<Profile> profiles = new ArrayList<>();
        List<Footprint> footprints = new ArrayList<>();
        for (BenchOptions.Variant v : options.variants()) {
            log.printf("%s (%s): %s inference, batch %d × %d%n", shape.name(), shape.dimensions(), v.label(), options.inferenceBatch(shape),
                    options.length());
            KernelProfile ops = new KernelProfile();
            Measured inference;
            try (KernelSet.Scope ignored = KernelSet.use(v.kernels())) {
                inference = inference(shape, v.precision(), ops, v.kernels() == KernelSet.HOST ? footprints : new ArrayList<>());
            }
            Profile profile = inference.profile("inference", v, ops, 0);
            throughputs.add(inference.throughput(shape, "inference", v, options.inferenceBatch(shape), gemm, profile, log));
            if (options.profile()) profiles.add(profile);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jbert-bench-" + shape.name());
            Path saved = dir.resolve("model");
            long parameters = 0;
            for (BenchOptions.Variant v : options.variants()) {
                Precision p = v.precision();
                if (!p.trains()) continue;
                log.printf("%s: %s training, batch %d × %d%n", shape.name(), v.label(), options.trainBatch(shape), options.length());
                EncoderClassifier graph;
                try (KernelSet.Scope ignored = KernelSet.use(v.kernels())) {
                    graph = EncoderClassifier.build(shape.config(), new RandomWeights(1, 0.02), ClassifierSpec.of(Task.SINGLE_LABEL, LABELS), 1);
                }
                graph.precision().forTraining(p);
                ClassifierModel model = new ClassifierModel(graph, tokenizer, name -> true);
                parameters = model.trainableParameters().values().stream().mapToLong(INDArray::length).sum();
                KernelProfile ops = new KernelProfile();
                Measured training = training(shape, model, dir.resolve("trainer-" + v.label().replace(' ', '-')), ops);
                // AdamW runs in float32 whatever the products' precision: timing it once per kernel set is enough
                double optimizerSeconds = options.profile() && p == Precision.FP32 ? optimizerStep(model) : 0;
                if (!Files.exists(saved)) model.save(saved);
                graph.free();
                Profile profile = training.profile("training", v, ops, optimizerSeconds);
                throughputs.add(training.throughput(shape, "training", v, options.trainBatch(shape), gemm, profile, log));
                if (options.profile()) profiles.add(profile);
            }
            List<Latency> latencies = new ArrayList<>();
            for (Precision p : options.precisions()) latencies.add(latency(shape, saved, p, longText));
            return new ShapeResult(shape.name(), shape.dimensions(), parameters, throughputs, latencies, footprints, profiles);
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark scratch folder: " + e.getMessage(), e);
        } finally {
            if (dir != null) FileTrees.delete(dir);
        }
    }

    /** The saved classifier loaded in {@code precision}, and single texts through it. */
    private Latency latency(ModelShape shape, Path saved, Precision precision, String text) {
        long start = System.nanoTime();
        try (TextClassifier classifier = TextClassifier.load(saved,
                InferenceOptions.defaults().withMaxLength(options.length()).withPrecision(precision))) {
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < 5; i++) classifier.classify(text);
            double[] seconds = new double[options.latencyRequests()];
            for (int i = 0; i < seconds.length; i++) {
                long started = System.nanoTime();
                Classification c = classifier.classify(text);
                seconds[i] = (System.nanoTime() - started) / 1e9;
                if (!c.truncated()) throw new IllegalStateException("the latency text should fill " + options.length() + " tokens");
            }
            Timings t = Timings.of(seconds);
            log.printf("%s %s: load %.2f s; latency p50 %.1f ms, p99 %.1f ms%n", shape.name(), precision.flag(), loadSeconds,
                    1e3 * t.median(), 1e3 * t.p99());
            return new Latency(precision.flag(), loadSeconds, options.length(), seconds.length, 1e3 * t.median(), 1e3 * t.p99());
        }
    }

    /**
     * One inference pass of a single sequence at each long-context length: after one untimed pass at the shortest,
     * three timed passes per length, one from 4,096 tokens on (a pass of ModernBERT-base at 8,192 takes about a
     * minute on two cores).
     */
    private List<LongContext> longContext(ModelShape shape) {
        List<LongContext> out = new ArrayList<>();
        List<Integer> lengths = options.longContext(shape);
        if (lengths.isEmpty()) return out;
        EncoderClassifier classifier = EncoderClassifier.build(shape.config(), new RandomWeights(1, 0.02),
                ClassifierSpec.of(Task.SINGLE_LABEL, LABELS), 0);
        try {
            Random random = new Random(9);
            int shortest = lengths.stream().mapToInt(Integer::intValue).min().orElseThrow();
            classifier.logits(randomBatch(random, 1, shortest, shape.vocab()), Pass.inference()).toFloatMatrix();
            for (int length : lengths) {
                Batch input = randomBatch(random, 1, length, shape.vocab());
                int repeats = length >= 4096 ? 1 : 3;
                double[] seconds = new double[repeats];
                double peak = 0;
                for (int i = 0; i < repeats; i++) {
                    long started = System.nanoTime();
                    classifier.logits(input, Pass.inference()).toFloatMatrix();
                    seconds[i] = (System.nanoTime() - started) / 1e9;
                    peak = Math.max(peak, ProcessMemory.residentMegabytes());
                }
                Timings t = Timings.of(seconds);
                long blocks = Math.min(shape.heads(), Math.max(1, (64L << 20) / ((long) length * length)));
                double scoresMb = blocks * (double) length * length * 4 / (1 << 20);
                log.printf("%s long context %d tokens: %.2f s, %.0f tokens/s, attention scores %.0f MB, peak RSS %.0f MB%n", shape.name(),
                        length, t.median(), length / t.median(), scoresMb, peak);
                out.add(new LongContext(shape.name(), length, t, length / t.median(), scoresMb, peak));
            }
        } finally {
            classifier.free();
        }
        return out;
    }

    /** Timed steps of one phase and what the process did meanwhile. */
    private record Measured(double[] seconds, int length, double peakResidentMb, double peakHeapMb, double gcSeconds) {

        Throughput throughput(ModelShape shape, String mode, BenchOptions.Variant variant, int batch, GemmPeak gemm, Profile profile, PrintStream log) {
            Timings t = Timings.of(seconds);
            double sequences = batch / t.median();
            double flops = "training".equals(mode) ? shape.trainingFlops(length, LABELS) : shape.forwardFlops(length, LABELS);
            double gflops = sequences * flops / 1e9;
            double outside = Math.max(0, 1 - profile.kernelSeconds() / profile.stepSeconds());
            log.printf("%s %s %s: median %.1f ms, %.1f sequences/s, %.1f GFLOP/s (%.0f%% of GEMM peak), %.0f%% outside the kernels, peak RSS %.0f MB%n",
                    shape.name(), variant.label(), mode, 1e3 * t.median(), sequences, gflops, 100 * gflops / gemm.gflops(), 100 * outside,
                    peakResidentMb);
            if (outside > BenchReport.OUTSIDE_KERNELS_LIMIT) {
                log.println("WARNING: " + BenchReport.outsideKernelsWarning(shape.name(), variant.label() + " " + mode, outside));
            }
            return new Throughput(mode, variant.precision().flag(), variant.kernels().flag(), batch, length, t, sequences, sequences * length, gflops, gflops / gemm.gflops(),
                    peakResidentMb, peakHeapMb, gcSeconds, outside);
        }

        Profile profile(String mode, BenchOptions.Variant variant, KernelProfile kernels, double optimizerSeconds) {
            int n = seconds.length;
            double step = Arrays.stream(seconds).sum() / n;
            List<KernelProfile.KernelTime> perStep = kernels.ranked().stream()
                    .map(k -> new KernelProfile.KernelTime(k.kernel(), k.seconds() / n, k.calls() / n)).toList();
            double inside = perStep.stream().mapToDouble(KernelProfile.KernelTime::seconds).sum();
            return new Profile(mode, variant.precision().flag(), variant.kernels().flag(), step, inside, gcSeconds / n, optimizerSeconds, perStep);
        }
    }

    /** Timed forward passes in {@code precision}; the weights' footprint is added to {@code footprints}. */
    private Measured inference(ModelShape shape, Precision precision, KernelProfile kernels, List<Footprint> footprints) {
        int batch = options.inferenceBatch(shape), length = options.length();
        EncoderClassifier classifier = EncoderClassifier.build(shape.config(), new RandomWeights(1, 0.02),
                ClassifierSpec.of(Task.SINGLE_LABEL, LABELS), 0);
        classifier.precision().forInference(precision);
        // as TextClassifier serves it: lower precisions keep only the copies of the Linear weights
        if (precision != Precision.FP32) classifier.precision().releaseMasters();
        long weightBytes = classifier.parameters().values().stream().filter(p -> !p.wasClosed())
                .mapToLong(p -> p.length() * p.dataType().width()).sum();
        footprints.add(new Footprint(precision.flag(), weightBytes / 1048576.0, classifier.precision().copyBytes() / 1048576.0));
        Batch input = randomBatch(new Random(5), batch, length, shape.vocab());
        PhaseMeter meter = new PhaseMeter(options.steps());
        try {
            for (int i = 0; i < options.warmupSteps() + options.steps(); i++) {
                if (i == options.warmupSteps()) start(meter, kernels);
                long started = System.nanoTime();
                classifier.logits(input, Pass.inference()).toFloatMatrix();
                if (i >= options.warmupSteps()) meter.step((System.nanoTime() - started) / 1e9);
            }
            kernels.stop();
        } finally {
            classifier.free();
        }
        return meter.finish(length);
    }

    private Measured training(ModelShape shape, ClassifierModel model, Path output, KernelProfile ops) {
        int batch = options.trainBatch(shape);
        Random random = new Random(7);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) batches.add(randomBatch(random, batch, options.length(), shape.vocab()));
        TrainingData data = TrainingData.fixed(batches, "synthetic");
        PhaseMeter meter = new PhaseMeter(options.steps());
        if (options.warmupSteps() == 0) start(meter, ops);
        TrainingListener timer = new TrainingListener() {
            @Override
            public void onLog(StepLog step, TrainerState state, TrainerControl control) {
                if (step.step() > options.warmupSteps()) meter.step(step.seconds());
                if (step.step() == options.warmupSteps()) start(meter, ops);
            }
        };
        TrainingArguments args = TrainingArguments.builder(output).maxSteps(options.warmupSteps() + options.steps())
                .learningRate(5e-5).weightDecay(0.01).warmupRatio(0.1).maxGradNorm(1.0)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).build();
        new Trainer(model, data, null, args, List.of(timer)).train();
        ops.stop();
        return meter.finish(options.length());
    }

    private static void start(PhaseMeter meter, KernelProfile kernels) {
        meter.start();
        kernels.start();
    }

    /**
     * One AdamW step over every trainable parameter with gradients of the same size, timed apart from the
     * loop (mean of three after one that allocates the moments): the optimizer's share of a training step.
     */
    private static double optimizerStep(ClassifierModel model) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, p) -> {
            params.put(name, p.dup());
            grads.put(name, Nd4j.randn(p.dataType(), p.shape()).muli(1e-3));
        });
        AdamW adam = new AdamW(AdamWConfig.torchDefaults().withWeightDecay(0.01), AdamW::huggingFaceDecays, model.kernels());
        adam.step(params, grads, 5e-5);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) adam.step(params, grads, 5e-5);
        double seconds = (System.nanoTime() - start) / 3e9;
        Stream.concat(params.values().stream(), grads.values().stream()).forEach(INDArray::close);
        return seconds;
    }

    /** Samples resident memory after each timed step; heap peak and collector time over the phase. */
    private static final class PhaseMeter {
        private final double[] seconds;
        private int n;
        private double peakRss;
        private long gcMillisAtStart;

        PhaseMeter(int steps) {
            seconds = new double[steps];
        }

        void start() {
            ProcessMemory.resetHeapPeak();
            gcMillisAtStart = gcMillis();
        }

        void step(double s) {
            seconds[n++] = s;
            peakRss = Math.max(peakRss, ProcessMemory.residentMegabytes());
        }

        Measured finish(int length) {
            return new Measured(Arrays.copyOf(seconds, n), length, peakRss, ProcessMemory.peakHeapMegabytes(),
                    (gcMillis() - gcMillisAtStart) / 1e3);
        }

        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }
    }

    /** Every position a real token of the vocabulary's word range; no padding; random labels of the 2 classes. */
    public static Batch randomBatch(Random random, int batch, int length, int vocab) {
        int[][] ids = new int[batch][length], types = new int[batch][length], mask = new int[batch][length];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                ids[b][t] = 1000 + random.nextInt(vocab - 1000);
                mask[b][t] = 1;
            }
            labels[b] = random.nextInt(LABELS);
        }
        return new Batch(ids, types, mask, Nd4j.createFromArray(labels));
    }

    private static List<String> readTexts(Path file) {
        List<String> texts = TextReader.read(file, TextReadOptions.forPrediction(Task.SINGLE_LABEL)).examples().stream()
                .map(TextExample::text).toList();
        if (texts.isEmpty()) throw new IllegalArgumentException(file + ": no texts to tokenize");
        return texts;
    }

    /** Single-threaded, over every text once for warm-up, then again for at least a second. */
    private static TokenizerThroughput tokenizerThroughput(Tokenizer tokenizer, List<String> texts) {
        for (String t : texts) tokenizer.encode(t);
        long tokens = 0, encoded = 0, start = System.nanoTime();
        while (System.nanoTime() - start < 1_000_000_000L) {
            for (String t : texts) {
                Encoding e = tokenizer.encode(t);
                tokens += e.length();
                encoded++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TokenizerThroughput(texts.size(), encoded / seconds, tokens / seconds);
    }

    /** Real sentences joined until they tokenize to more than the benchmark length, so a request fills it exactly. */
    private String longText(List<String> texts, Tokenizer tokenizer) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; tokenizer.encode(sb.toString()).length() <= options.length(); i++) {
            sb.append(i == 0 ? "" : " ").append(texts.get(i % texts.size()));
        }
        return sb.toString();
    }

}

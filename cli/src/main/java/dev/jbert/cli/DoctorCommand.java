package dev.jbert.cli;

import dev.jbert.core.data.Task;
import dev.jbert.bench.harness.Harness;
import dev.jbert.bench.harness.ModelShape;
import dev.jbert.bench.harness.ProcessMemory;
import dev.jbert.bert.model.RandomWeights;
import dev.jbert.cli.doctor.Doctor;
import dev.jbert.core.FileTrees;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.PrecisionSupport;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.EncoderClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Whether jbert computes right on this machine's backend and kernels: what ND4J found, then every family's bundled
 * classifier against transformers' values, then a short throughput probe. The first command to run on a GPU.
 */
@Command(name = "doctor", description = {
        "Check this machine: the backend, native build, kernel set and devices ND4J found, then one bundled classifier per",
        "family against transformers' logits, gradients and first Trainer steps on the active backend and kernels, and a",
        "10-second training probe at the tiny and base shapes. Exit code 0 only if every check passes."})
final class DoctorCommand implements Callable<Integer> {

    private static final List<String> FAMILIES = List.of("bert", "distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert");

    @Option(names = "--kernels", description = "host or device: the kernel set to check (default: the backend's, or -Djbert.kernels).")
    String kernels;

    @Option(names = "--probe-seconds", defaultValue = "10", description = "Seconds of training per probed shape; 0 skips the probe. "
            + "Default: ${DEFAULT-VALUE}.")
    int probeSeconds;

    @Override
    public Integer call() throws IOException {
        NativeBackend.Status status = NativeBackend.init();
        KernelSet set = kernels == null ? KernelSet.active() : Options.kernels(kernels);
        System.out.println("backend:  " + (status.cpu() ? "CPU, " + status.loaded() + " build" : status.loaded()) + ", " + status.threads()
                + " threads (" + status.reason() + ")");
        System.out.println("kernels:  " + set.flag() + (kernels != null ? " (--kernels)" : System.getProperty(KernelSet.PROPERTY) != null
                ? " (-D" + KernelSet.PROPERTY + ")" : " (the " + (status.cpu() ? "CPU" : "GPU") + " backend's)"));
        for (Precision p : List.of(Precision.BF16, Precision.INT8)) {
            String problem;
            try (KernelSet.Scope ignored = KernelSet.use(set)) {
                problem = PrecisionSupport.supported(p) ? null : problem(p);
            }
            System.out.println(p.flag() + ":     " + (problem == null ? "available" : "not available: " + problem));
        }
        Doctor.devices(status).forEach(line -> System.out.println("device:   " + line));
        Doctor.cudaLibraries(status).forEach(line -> System.out.println("library:  " + line));

        Path scratch = Files.createTempDirectory("jbert-doctor");
        int failed = 0, checks = 0;
        try (KernelSet.Scope ignored = KernelSet.use(set)) {
            for (String family : FAMILIES) {
                for (Doctor.Check c : Doctor.checkFamily(family, scratch)) {
                    checks++;
                    if (!c.passed()) failed++;
                    System.out.printf(Locale.ROOT, "%-12s %-42s %-9s %.2g (tolerance %.0e)%n", family, c.what(), c.passed() ? "ok" : "FAILED",
                            c.deviation(), c.tolerance());
                }
            }
            if (probeSeconds > 0) {
                for (ModelShape shape : List.of(ModelShape.TINY, ModelShape.BASE)) probe(shape, scratch);
            }
        } finally {
            FileTrees.delete(scratch);
        }
        System.out.println(failed == 0 ? "all " + checks + " checks passed" : failed + " of " + checks + " checks FAILED");
        return failed == 0 ? 0 : 1;
    }

    private static String problem(Precision p) {
        try {
            PrecisionSupport.require(p);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * Training steps (forward, backward, AdamW) of a random-weight classifier of {@code shape} at its default batch and
     * 128 tokens for {@link #probeSeconds}, and the memory they took: the device's on a GPU, the process's otherwise.
     */
    private void probe(ModelShape shape, Path scratch) {
        int batch = shape.hidden() >= 768 ? 8 : 32;
        long deviceBefore = Doctor.freeDeviceMemory();
        double rssBefore = ProcessMemory.residentMegabytes();
        EncoderClassifier graph = EncoderClassifier.build(shape.config(), new RandomWeights(1, 0.02), ClassifierSpec.of(Task.SINGLE_LABEL, 2), 1);
        ClassifierModel model = new ClassifierModel(graph, null, name -> true);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        model.trainableParameters().forEach((n, p) -> grads.put(n, p.ulike().assign(0)));
        AdamW adam = new AdamW(AdamWConfig.torchDefaults().withWeightDecay(0.01), model::decays, model.kernels());
        Batch input = Harness.randomBatch(new Random(3), batch, 128, shape.vocab());
        long start = System.nanoTime(), deadline = start + probeSeconds * 1_000_000_000L;
        int steps = 0;
        double peakRss = rssBefore;
        long deviceLow = deviceBefore;
        while (steps == 0 || System.nanoTime() < deadline) {
            // reading the loss waits for the step, so a device's queued work is timed too
            ReadBack.scalar(model.accumulateGradients(input, 1.0, steps, grads), ReadBack.Use.CHECK);
            adam.step(model.trainableParameters(), grads, 1e-5);
            grads.values().forEach(g -> g.assign(0));
            steps++;
            peakRss = Math.max(peakRss, ProcessMemory.residentMegabytes());
            deviceLow = Math.min(deviceLow, Doctor.freeDeviceMemory());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String memory = deviceBefore >= 0 ? String.format(Locale.ROOT, "%.0f MB of device memory", (deviceBefore - deviceLow) / 1048576.0)
                : String.format(Locale.ROOT, "%.0f MB of process memory", peakRss - rssBefore);
        System.out.printf(Locale.ROOT, "probe:    %s training, batch %d × 128: %d steps in %.1f s, %.1f sequences/s; %s%n", shape.name(), batch, steps,
                seconds, steps * batch / seconds, memory);
        graph.free();
        grads.values().forEach(INDArray::close);
    }
}

package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The peers' columns: the same shapes, batch sizes, length and step counts run by {@code bench/pytorch_bench.py}
 * with PyTorch (float32 and bf16 autocast) and ONNX Runtime (float32 and {@code quantize_dynamic} int8, on the same
 * random-weight model exported), when a Python with them is available (the product never needs Python). Where it
 * is not, the PyTorch float32 figures recorded on the reference machine (issue 5: 2-core AVX-512, PyTorch 2.13,
 * 2 threads, length 128) stand in, labelled as such, so a ratio is always shown but never passed off as measured in
 * the same run.
 */
public final class PyTorchSide {

    /** AUTO runs the script and falls back to the recorded figures; REFERENCE uses the recorded ones; OFF shows none. */
    public enum Mode { AUTO, REFERENCE, OFF }

    /** The runtimes of the peers' columns. */
    public static final String PYTORCH = "pytorch", ONNX_RUNTIME = "onnxruntime";

    /**
     * A peer's throughput for one shape, mode, batch size and length.
     *
     * @param runtime   {@link #PYTORCH} or {@link #ONNX_RUNTIME}
     * @param precision fp32, bf16 (PyTorch's CPU autocast) or int8 (ONNX Runtime's {@code quantize_dynamic})
     */
    public record Row(String shape, String mode, int batch, int length, String runtime, String precision, double sequencesPerSecond) {
    }

    /**
     * @param source  what produced the rows: versions and threads when measured now, the reference machine otherwise
     * @param sameRun true when measured by this run, on this machine
     */
    public record Figures(String source, boolean sameRun, List<Row> rows) {

        public Optional<Row> find(String shape, String mode, int batch, int length, String runtime, String precision) {
            return rows.stream().filter(r -> r.shape.equals(shape) && r.mode.equals(mode) && r.batch == batch
                    && r.length == length && r.runtime.equals(runtime) && r.precision.equals(precision)).findFirst();
        }
    }

    static final Figures REFERENCE = new Figures(
            "recorded on the reference machine (2-core AVX-512, PyTorch 2.13, 2 threads, float32), not this run", false,
            List.of(reference("tiny", "training", 32, 281), reference("tiny", "inference", 32, 994),
                    reference("minilm", "training", 16, 16.4), reference("minilm", "inference", 32, 58),
                    reference("base", "training", 8, 2.46), reference("base", "inference", 8, 8.41)));

    private static Row reference(String shape, String mode, int batch, double sequencesPerSecond) {
        return new Row(shape, mode, batch, 128, PYTORCH, "fp32", sequencesPerSecond);
    }

    private static final int NOT_INSTALLED = 3;

    private PyTorchSide() {
    }

    /**
     * The PyTorch figures for these options, measured shape by shape right after jbert's own figures for the
     * shape (so that both sides of a ratio see the machine in the same state) through {@code measure}, or the
     * recorded ones.
     *
     * @param perShape what {@link #measure} gave for each shape, in order; empty where it could not run
     */
    public static Figures combine(BenchOptions options, List<Optional<Figures>> perShape) {
        return switch (options.pytorch()) {
            case OFF -> new Figures("not run", false, List.of());
            case REFERENCE -> REFERENCE;
            case AUTO -> {
                if (perShape.isEmpty() || perShape.stream().anyMatch(Optional::isEmpty)) yield REFERENCE;
                List<Row> rows = new ArrayList<>();
                perShape.forEach(f -> rows.addAll(f.get().rows()));
                yield new Figures(perShape.get(0).get().source() + ", each shape right after jbert's", true, rows);
            }
        };
    }

    /**
     * Runs the PyTorch script for the given shapes when the options ask for it (mode AUTO).
     *
     * @param script the PyTorch script ({@code bench/pytorch_bench.py} in the repository)
     * @param python the Python command
     */
    public static Optional<Figures> measure(BenchOptions options, List<ModelShape> which, Path script, String python, PrintStream log) {
        if (options.pytorch() != Mode.AUTO) return Optional.empty();
        if (!Files.isRegularFile(script)) {
            log.println("PyTorch side: " + script + " not found; showing the recorded reference figures");
            return Optional.empty();
        }
        StringJoiner shapes = new StringJoiner(","), train = new StringJoiner(","), infer = new StringJoiner(",");
        for (ModelShape s : which) {
            shapes.add(s.name());
            train.add(s.name() + "=" + options.trainBatch(s));
            infer.add(s.name() + "=" + options.inferenceBatch(s));
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--shapes", shapes.toString(), "--train-batch",
                train.toString(), "--inference-batch", infer.toString(), "--length", String.valueOf(options.length()),
                "--warmup", String.valueOf(options.warmupSteps()), "--steps", String.valueOf(options.steps())));
        List<Integer> longContext = which.stream().flatMap(s -> options.longContext(s).stream()).distinct().toList();
        if (!longContext.isEmpty()) {
            command.add("--long-context");
            command.add(String.join(",", longContext.stream().map(String::valueOf).toList()));
        }
        try {
            log.println("PyTorch side: " + String.join(" ", command));
            Path err = Files.createTempFile("jbert-pytorch", ".log");
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            process.waitFor(30, TimeUnit.MINUTES);
            String errors = Files.readString(err, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(err);
            if (process.exitValue() != 0) {
                log.println("PyTorch side unavailable (" + (process.exitValue() == NOT_INSTALLED ? errors
                        : "exit " + process.exitValue() + ": " + errors.lines().reduce((a, b) -> b).orElse("")) + "); "
                        + "showing the recorded reference figures");
                return Optional.empty();
            }
            return Optional.of(parse(new ObjectMapper().readTree(out)));
        } catch (IOException e) {
            log.println("PyTorch side unavailable (" + python + ": " + e.getMessage() + "); showing the recorded reference figures");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The script's JSON: versions, threads and one row per shape and mode. */
    static Figures parse(JsonNode json) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : json.path("rows")) {
            rows.add(new Row(r.path("shape").asText(), r.path("mode").asText(), r.path("batch").asInt(), r.path("length").asInt(),
                    r.path("runtime").asText(PYTORCH), r.path("precision").asText("fp32"), r.path("sequences_per_second").asDouble()));
        }
        String source = "measured in this run: PyTorch " + json.path("torch").asText() + ", transformers "
                + json.path("transformers").asText()
                + (json.hasNonNull("onnxruntime") ? ", ONNX Runtime " + json.path("onnxruntime").asText() : "")
                + ", " + json.path("threads").asInt() + " threads";
        return new Figures(source, true, rows);
    }
}

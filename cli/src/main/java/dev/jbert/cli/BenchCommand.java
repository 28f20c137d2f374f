package dev.jbert.cli;

import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.Precision;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jbert.bench.harness.BenchOptions;
import dev.jbert.bench.harness.BenchReport;
import dev.jbert.bench.harness.Harness;
import dev.jbert.bench.harness.MarkdownReport;
import dev.jbert.bench.harness.ModelShape;
import dev.jbert.bench.harness.PyTorchSide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Speed, efficiency and memory of training and inference on standard encoder shapes, beside PyTorch's. */
@Command(name = "bench", description = {
        "Benchmark training and inference throughput, latency, memory and load time on standard encoder shapes,",
        "with the machine's measured matrix-multiply peak, and the peers' figures for the same shapes beside them",
        "(PyTorch fp32 and bf16 autocast, ONNX Runtime fp32 and int8, run by bench/pytorch_bench.py when Python has them).",
        "'jbert bench accuracy' runs the accuracy suite instead; 'jbert bench serve-load' load-tests the HTTP server."},
        subcommands = {AccuracyCommand.class, ServeLoadCommand.class})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--shapes", split = ",", defaultValue = "tiny,mini,minilm,base",
            description = "Shapes to measure: BERT's tiny (2/128/2), mini (4/256/4), minilm (6/384/12), base (12/768/12); "
                    + "deberta-v3-base (12/768/12), modernbert-base (22/768/12). Default: ${DEFAULT-VALUE}.")
    List<String> shapes;

    @Option(names = "--train-batch", description = "Training batch size for every shape (default: 32 tiny and mini, 16 minilm, 8 base).")
    Integer trainBatch;

    @Option(names = "--inference-batch", description = "Inference batch size for every shape (default: 32, 8 for base).")
    Integer inferenceBatch;

    @Option(names = "--length", defaultValue = "128", description = "Tokens per sequence. Default: ${DEFAULT-VALUE}.")
    int length;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps before timing. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps per shape and mode. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--latency-requests", defaultValue = "50", description = "Timed single-text requests per shape. Default: ${DEFAULT-VALUE}.")
    int latencyRequests;

    @Option(names = "--gemm-size", defaultValue = "1024", description = "n of the n³ matrix multiply measuring the peak. Default: ${DEFAULT-VALUE}.")
    int gemmSize;

    @Option(names = "--texts", defaultValue = "samples/sst2/train.tsv",
            description = "Real sentences (CSV, TSV or JSONL with a text column) for tokenizer throughput and latency. Default: ${DEFAULT-VALUE}.")
    Path texts;

    @Option(names = "--pytorch", defaultValue = "auto",
            description = "auto: run bench/pytorch_bench.py if Python has torch and transformers, else show the recorded reference figures; "
                    + "reference: the recorded figures; off. Default: ${DEFAULT-VALUE}.")
    String pytorch;

    @Option(names = "--python", defaultValue = "python3", description = "Python command for the PyTorch side. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--pytorch-script", defaultValue = "bench/pytorch_bench.py", description = "The PyTorch side's script. Default: ${DEFAULT-VALUE}.")
    Path pytorchScript;

    @Option(names = "--long-context", split = ",", description = "Also time one inference pass of a single sequence at each of these"
            + " lengths (e.g. 512,2048,8192 with --shapes modernbert-base), with its memory. Default: none.")
    List<Integer> longContext;

    @Option(names = "--profile", description = "Also time each kind of kernel, garbage collection and the optimizer.")
    boolean profile;

    @Mixin
    PrecisionOptions precision;

    @Option(names = "--kernels", split = ",", defaultValue = "host",
            description = "Kernel sets to measure: host (the CPU's), device (ND4J operations only, what a GPU runs; fp32). Default: ${DEFAULT-VALUE}.")
    List<String> kernels;

    @Option(names = "--output", defaultValue = "runs/bench", description = "Folder for results.json and results.md. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Override
    public Integer call() {
        NativeBackend.init();
        if (!Files.isRegularFile(texts)) {
            throw new IllegalArgumentException("--texts " + texts + ": no such file (run from the repository root, or name a file of sentences)");
        }
        List<Precision> precisions = precision.each();
        BenchOptions options;
        try {
            options = new BenchOptions(shapes.stream().map(BenchCommand::shape).toList(), trainBatch, inferenceBatch, length,
                    warmup, steps, latencyRequests, gemmSize, texts, Models.folder(null), mode(pytorch), profile, longContext, precisions,
                    kernels.stream().map(Options::kernels).toList());
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        BenchReport report = new Harness(options, System.out).run(pytorchScript, python);
        String markdown = MarkdownReport.of(report);
        try {
            Files.createDirectories(output);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.resolve("results.json").toFile(), report);
            Files.writeString(output.resolve("results.md"), markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + output + ": " + e.getMessage(), e);
        }
        System.out.println();
        System.out.print(markdown);
        System.out.println("\nwritten: " + output.resolve("results.json") + ", " + output.resolve("results.md"));
        return 0;
    }

    private static ModelShape shape(String name) {
        try {
            return ModelShape.named(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--shapes: " + e.getMessage());
        }
    }

    private static PyTorchSide.Mode mode(String value) {
        try {
            return PyTorchSide.Mode.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--pytorch " + value + ": expected auto, reference or off");
        }
    }
}

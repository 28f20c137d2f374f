package dev.jbert.bench.harness;

import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Precision;

import java.nio.file.Path;
import java.util.List;

/**
 * What the harness runs.
 *
 * @param shapes          encoder shapes, measured in this order
 * @param trainBatch      training batch size for every shape, or null for each shape's default
 *                        ({@link #defaultTrainBatch}: the batch sizes of the PyTorch reference figures)
 * @param inferenceBatch  inference batch size for every shape, or null for each shape's default
 * @param length          tokens per sequence, every position a real token (no padding)
 * @param warmupSteps     untimed steps first: JIT compilation, first-time allocations, ND4J's caches
 * @param steps           timed steps (training steps or inference passes)
 * @param latencyRequests timed single-text requests through the inference API
 * @param gemmSize        n of the n×n×n matrix multiply that measures the machine's peak
 * @param texts           a CSV/TSV/JSONL file with a text column: real sentences for tokenizer throughput and
 *                        latency requests
 * @param tokenizerFolder a folder with the uncased BERT vocabulary (vocab.txt or tokenizer.json) every shape uses
 * @param pytorch         whether to run the PyTorch side and how
 * @param profile         also record time per op type, garbage collection and the optimizer's share
 * @param longContext     sequence lengths at which to time one inference pass of a single sequence (long-context
 *                        figures; empty for none); each shape runs those within its positions
 * @param precisions      the precisions of the Linear products to measure: fp32 always, first; bf16 in training and
 *                        inference, int8 in inference
 * @param kernels         the kernel sets to measure: host always, first; device in fp32 (the lower precisions are the
 *                        host kernels')
 */
public record BenchOptions(List<ModelShape> shapes, Integer trainBatch, Integer inferenceBatch, int length, int warmupSteps,
                           int steps, int latencyRequests, int gemmSize, Path texts, Path tokenizerFolder,
                           PyTorchSide.Mode pytorch, boolean profile, List<Integer> longContext, List<Precision> precisions,
                           List<KernelSet> kernels) {

    /** One way of computing that is measured: a precision on a kernel set. */
    public record Variant(Precision precision, KernelSet kernels) {

        /** How reports name it: the precision, with the kernel set when it is not the host's. */
        public String label() {
            return precision.flag() + (kernels == KernelSet.HOST ? "" : " " + kernels.flag() + " kernels");
        }
    }

    /** Every precision on the host kernels, then fp32 on each other kernel set. */
    public List<Variant> variants() {
        List<Variant> out = new java.util.ArrayList<>();
        for (Precision p : precisions) out.add(new Variant(p, KernelSet.HOST));
        for (KernelSet k : kernels) if (k != KernelSet.HOST) out.add(new Variant(Precision.FP32, k));
        return out;
    }

    public BenchOptions {
        java.util.LinkedHashSet<Precision> measured = new java.util.LinkedHashSet<>();
        measured.add(Precision.FP32);
        if (precisions != null) measured.addAll(precisions);
        precisions = List.copyOf(measured);
        java.util.LinkedHashSet<KernelSet> sets = new java.util.LinkedHashSet<>();
        sets.add(KernelSet.HOST);
        if (kernels != null) sets.addAll(kernels);
        kernels = List.copyOf(sets);
        if (shapes == null || shapes.isEmpty()) throw new IllegalArgumentException("at least one model shape is needed");
        shapes = List.copyOf(shapes);
        requirePositive("training batch", trainBatch == null ? 1 : trainBatch);
        requirePositive("inference batch", inferenceBatch == null ? 1 : inferenceBatch);
        requirePositive("sequence length", length);
        int limit = shapes.stream().mapToInt(ModelShape::maxLength).min().orElseThrow();
        if (length > limit) throw new IllegalArgumentException("sequence length " + length + " is beyond the shapes' " + limit + " positions");
        longContext = longContext == null ? List.of() : List.copyOf(longContext);
        int longest = shapes.stream().mapToInt(ModelShape::maxLength).max().orElseThrow();
        for (int l : longContext) {
            requirePositive("long-context length", l);
            if (l > longest) throw new IllegalArgumentException("long-context length " + l + " is beyond every shape's positions (at most " + longest + ")");
        }
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        requirePositive("timed steps", steps);
        requirePositive("latency requests", latencyRequests);
        requirePositive("GEMM size", gemmSize);
        if (texts == null || tokenizerFolder == null || pytorch == null) {
            throw new IllegalArgumentException("texts, tokenizer folder and PyTorch mode must be given");
        }
    }

    /** Training batch 32 for tiny and mini, 16 for MiniLM, 8 for base: the sizes PyTorch's reference figures used. */
    public static int defaultTrainBatch(ModelShape shape) {
        if (shape.hidden() >= 768) return 8;
        return shape.hidden() >= 384 ? 16 : 32;
    }

    /** Inference batch 32, 8 for base. */
    public static int defaultInferenceBatch(ModelShape shape) {
        return shape.hidden() >= 768 ? 8 : 32;
    }

    public int trainBatch(ModelShape shape) {
        return trainBatch != null ? trainBatch : defaultTrainBatch(shape);
    }

    /** The long-context lengths within a shape's positions. */
    public List<Integer> longContext(ModelShape shape) {
        return longContext.stream().filter(l -> l <= shape.maxLength()).toList();
    }

    public int inferenceBatch(ModelShape shape) {
        return inferenceBatch != null ? inferenceBatch : defaultInferenceBatch(shape);
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) throw new IllegalArgumentException(what + " must be >= 1, got " + value);
    }
}

package dev.jbert.bench.harness;

import java.util.List;

/**
 * One run of the harness, as written to {@code results.json}: where it ran, what it measured, and the
 * PyTorch figures it is compared with. Times are in seconds unless a name says otherwise.
 */
public record BenchReport(String date, Machine machine, Settings settings, GemmPeak gemm, TokenizerThroughput tokenizer,
                          List<ShapeResult> shapes, List<LongContext> longContext, PyTorchSide.Figures pytorch) {

    /**
     * Above this share of a step spent outside the timed kernels, the report warns: a step's time belongs in its
     * kernels, and time elsewhere (allocation, feeding, bookkeeping) is how regressions have hidden.
     */
    public static final double OUTSIDE_KERNELS_LIMIT = 0.10;

    /** The warning for a phase that spends {@code share} of its steps outside the kernels. */
    public static String outsideKernelsWarning(String shape, String mode, double share) {
        return String.format(java.util.Locale.ROOT, "%s %s spends %.0f%% of a step outside the timed kernels (more than %.0f%%): "
                + "allocation, feeding or bookkeeping has crept into the hot path; --profile shows where the rest goes",
                shape, mode, 100 * share, 100 * OUTSIDE_KERNELS_LIMIT);
    }

    /** Every phase whose steps spend more than {@link #OUTSIDE_KERNELS_LIMIT} outside the kernels. */
    public List<String> warnings() {
        List<String> out = new java.util.ArrayList<>();
        for (ShapeResult s : shapes) {
            for (Throughput t : s.throughputs()) {
                if (t.outsideKernelsShare() > OUTSIDE_KERNELS_LIMIT) {
                    out.add(outsideKernelsWarning(s.shape(), t.precision() + (t.kernels().equals("host") ? "" : " " + t.kernels() + " kernels")
                            + " " + t.mode(), t.outsideKernelsShare()));
                }
            }
        }
        return out;
    }

    /**
     * One inference pass of a single sequence of {@code length} tokens.
     *
     * @param scoresMb       the attention scores inference holds at once: one {@code T×T} block per head at most
     *                       (see {@code ScaledDotProductAttention}), or all heads' when they fit in 256 MB
     * @param peakResidentMb highest resident memory sampled after each timed pass
     */
    public record LongContext(String shape, int length, Timings seconds, double tokensPerSecond, double scoresMb, double peakResidentMb) {
    }

    /** The options that shape the numbers. */
    public record Settings(int length, int warmupSteps, int steps, int latencyRequests, String flopCount) {
    }

    /** Single-threaded WordPiece tokenization of real sentences with the uncased BERT vocabulary. */
    public record TokenizerThroughput(int texts, double textsPerSecond, double tokensPerSecond) {
    }

    /**
     * Everything measured for one shape.
     *
     * @param parameters  trainable parameters, the word-embedding table included
     * @param throughputs training in each precision that trains, then inference in each precision
     * @param latencies   single texts through the inference API in each precision, tokenization included
     * @param footprints  the weights' memory in each inference precision
     * @param profiles    where each phase's time went, when asked for
     */
    public record ShapeResult(String shape, String dimensions, long parameters, List<Throughput> throughputs,
                              List<Latency> latencies, List<Footprint> footprints, List<Profile> profiles) {

        /** The phase of {@code mode} ("training", "inference") in {@code precision} (fp32, bf16, int8) on the host kernels, if measured. */
        public java.util.Optional<Throughput> find(String mode, String precision) {
            return find(mode, precision, "host");
        }

        /** The phase of {@code mode} in {@code precision} on {@code kernels} (host, device), if measured. */
        public java.util.Optional<Throughput> find(String mode, String precision, String kernels) {
            return throughputs.stream().filter(t -> t.mode().equals(mode) && t.precision().equals(precision) && t.kernels().equals(kernels))
                    .findFirst();
        }
    }

    /**
     * Steps of one kind (training: forward, backward and AdamW; inference: a forward pass) in one precision of the
     * Linear products (fp32, bf16, int8).
     *
     * @param gflops          achieved, from {@link ModelShape}'s FLOP count and the median step
     * @param shareOfGemmPeak gflops over the machine's measured matrix-multiply peak
     * @param peakResidentMb  highest resident memory sampled after each timed step
     * @param peakHeapMb      highest JVM heap use over the timed steps
     * @param gcSeconds       garbage collection during the timed steps (the trainer collects once per step)
     * @param outsideKernelsShare the part of a mean step spent outside the timed kernels
     */
    public record Throughput(String mode, String precision, String kernels, int batch, int length, Timings stepSeconds, double sequencesPerSecond,
                             double tokensPerSecond, double gflops, double shareOfGemmPeak, double peakResidentMb,
                             double peakHeapMb, double gcSeconds, double outsideKernelsShare) {
    }

    /**
     * A saved classifier loaded for inference in one precision, and single texts through it.
     *
     * @param loadSeconds saved classifier folder to a ready inference API ({@code TextClassifier.load}), the
     *                    low-precision weights made
     * @param p50Ms       median single-text request latency, tokenization included
     */
    public record Latency(String precision, double loadSeconds, int tokens, int requests, double p50Ms, double p99Ms) {
    }

    /**
     * The weights' memory in one precision.
     *
     * @param weightsMb the float32 parameters held: all of them in fp32; in bf16 and int8 the embeddings, biases and
     *                  norms, since an inference API frees the Linear weights' masters once their copies are made
     * @param copiesMb  the low-precision copies of the Linear weights, made once for inference (0 in fp32)
     */
    public record Footprint(String precision, double weightsMb, double copiesMb) {
    }

    /**
     * Where a step's time goes, per step (medians are not additive, so these are means over the timed steps).
     *
     * @param mode              training or inference
     * @param precision         fp32, bf16 or int8
     * @param kernelSet         host or device
     * @param stepSeconds       mean step
     * @param kernelSeconds     inside the timed kernels (products, element-wise kernels, the loss; in training also
     *                          the optimizer and gradient clipping)
     * @param gcSeconds         garbage collection
     * @param optimizerSeconds  one AdamW step over every parameter, timed apart (training only; 0 otherwise)
     * @param kernels           kernel kinds by time per step, longest first
     */
    public record Profile(String mode, String precision, String kernelSet, double stepSeconds, double kernelSeconds, double gcSeconds, double optimizerSeconds,
                          List<KernelProfile.KernelTime> kernels) {
    }
}

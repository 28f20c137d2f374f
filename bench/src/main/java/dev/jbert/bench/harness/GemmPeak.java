package dev.jbert.bench.harness;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's own float32 matrix-multiply peak: {@code Nd4j.gemm} of two n×n matrices into a
 * preallocated result (an allocating {@code mmul} pays for fresh pages and reaches well under half of
 * it), best of the timed repetitions after warm-up. Achieved model throughput is reported as a share
 * of this figure, which says how far the rest of the work is from the hardware's limit.
 *
 * @param size       n
 * @param gflops     best repetition, in GFLOP/s (2n³ FLOPs per product)
 * @param medianGflops median repetition
 */
public record GemmPeak(int size, double gflops, double medianGflops) {

    public static GemmPeak measure(int size, int repetitions) {
        if (size < 1 || repetitions < 1) throw new IllegalArgumentException("size and repetitions must be positive");
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        try {
            // oneDNN compiles its kernel on the first calls and the cores settle into their clock after a few more
            for (int i = 0; i < 10; i++) Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double[] seconds = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long start = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            Timings t = Timings.of(seconds);
            double flops = 2.0 * size * size * size;
            return new GemmPeak(size, flops / t.min() / 1e9, flops / t.median() / 1e9);
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }
}

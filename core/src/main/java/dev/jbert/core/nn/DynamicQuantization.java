package dev.jbert.core.nn;

import dev.jbert.core.nn.host.Floats;
import dev.jbert.core.nn.host.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The run-time half of {@link Precision#INT8}: a Linear's float32 input quantized to uint8 row by row, the
 * uint8×int8 product summed in int32, and the sums rescaled to float32.
 *
 * <p>Each row r gets its own affine map, {@code x ≈ s_r·(q - z_r)}, over its range widened to hold 0 (so that 0 is
 * exact, as ONNX Runtime's {@code DynamicQuantizeLinear} does per tensor; a row's own range loses less). With the
 * weights' {@code w ≈ s_c·q_w}, {@code Σ_k x·w ≈ s_r·s_c·(Σ_k q·q_w - z_r·Σ_k q_w)}: the second sum is the channel's,
 * computed once ({@link Int8Weights#channelSums}). Row scales and zero points are per pass, in heap arrays.
 */
final class DynamicQuantization {

    private DynamicQuantization() {
    }

    /**
     * A Linear's input quantized row by row, to be multiplied by one or more quantized weights.
     *
     * @param levels {@code [N, in]} uint8
     * @param scale  {@code [N]}: row r is {@code scale[r]·(level - zero[r])}
     * @param zero   {@code [N]}, whole numbers in [0, 255]
     */
    record Rows(INDArray levels, float[] scale, float[] zero) {
    }

    /** {@code x [N, in]} quantized, through {@code work [N, in]} float32 into {@code quantized [N, in]} uint8. */
    static Rows quantize(INDArray x, INDArray work, INDArray quantized) {
        int rows = (int) x.size(0);
        float[] scale = new float[rows], zero = new float[rows];
        long t = Profiler.start();
        quantizeRows(x, work, quantized, scale, zero);
        Profiler.stop(Profiler.Section.CONVERSION, t);
        return new Rows(quantized, scale, zero);
    }

    /**
     * {@code y = x·Wᵀ (+ bias)} for a quantized input and weight, through {@code sums [N, out]} int32 into
     * {@code y [N, out]} float32; {@code bias} {@code [out]} or null.
     */
    static void multiply(Rows x, Int8Weights w, INDArray bias, INDArray sums, INDArray y) {
        MatMul.product(x.levels(), w.weight(), sums, false, false);
        long t = Profiler.start();
        rescale(sums, x.scale(), x.zero(), w, bias, y);
        Profiler.stop(Profiler.Section.CONVERSION, t);
    }

    /**
     * Each row of {@code x [N, W]} to uint8, with its scale and zero point. The levels are computed in float32, each
     * plus one half, and cast by ND4J, which truncates: rounding half up. Float-to-integer conversion is where the
     * JIT of Java 17 stops vectorising, so the cast is native.
     */
    static void quantizeRows(INDArray x, INDArray levels, INDArray quantized, float[] scale, float[] zero) {
        int rows = (int) x.size(0), width = (int) x.size(1);
        FloatBuffer src = Floats.of(x), dst = Floats.of(levels);
        Parallel.range(rows, Math.max(1, Floats.CHUNK / width), (from, to) -> {
            float[] v = Floats.scratch(0, width), q = Floats.scratch(1, width), range = new float[2];
            for (int r = from; r < to; r++) {
                src.get(r * width, v, 0, width);
                range(v, width, range);
                float lo = range[0], hi = range[1];
                float s = hi == lo ? 1f : (hi - lo) / 255f, inverse = 1f / s;
                float z = Math.max(0, Math.min(255, Math.round(-lo * inverse)));
                float offset = z + 0.5f;
                for (int j = 0; j < width; j++) q[j] = Math.max(0.5f, Math.min(255.5f, v[j] * inverse + offset));
                dst.put(r * width, q, 0, width);
                scale[r] = s;
                zero[r] = z;
            }
        });
        quantized.assign(levels);
    }

    /**
     * {@code range = [min(0, v), max(0, v)]} over {@code v[0..n)}: four independent minima and maxima, since the JIT
     * does not vectorise a reduction and one chain would wait on each comparison. {@code Math.min}/{@code max} compile to
     * branch-free instructions, which measured 2.4 times faster here than comparisons that the JIT turns into branches.
     */
    private static void range(float[] v, int n, float[] range) {
        float l0 = 0, l1 = 0, l2 = 0, l3 = 0, h0 = 0, h1 = 0, h2 = 0, h3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            l0 = Math.min(l0, v[j]);
            h0 = Math.max(h0, v[j]);
            l1 = Math.min(l1, v[j + 1]);
            h1 = Math.max(h1, v[j + 1]);
            l2 = Math.min(l2, v[j + 2]);
            h2 = Math.max(h2, v[j + 2]);
            l3 = Math.min(l3, v[j + 3]);
            h3 = Math.max(h3, v[j + 3]);
        }
        for (; j < n; j++) {
            l0 = Math.min(l0, v[j]);
            h0 = Math.max(h0, v[j]);
        }
        range[0] = Math.min(Math.min(l0, l1), Math.min(l2, l3));
        range[1] = Math.max(Math.max(h0, h1), Math.max(h2, h3));
    }

    /**
     * {@code y[r, c] = s_r·s_c·(sums[r, c] - z_r·channelSums[c]) + bias[c]}: the int32 sums are widened by ND4J, then
     * corrected, scaled and biased in float32 in one pass (the correction's rounding, relative 6e-8 of the sums, is
     * far below the quantization's).
     */
    static void rescale(INDArray sums, float[] scale, float[] zero, Int8Weights w, INDArray bias, INDArray y) {
        int rows = (int) sums.size(0), width = (int) sums.size(1);
        y.assign(sums);
        FloatBuffer out = Floats.of(y);
        float[] channelScale = w.scales(), channelSum = w.channelSums();
        float[] b = new float[width];
        if (bias != null) Floats.of(bias).get(0, b, 0, width);
        Parallel.range(rows, Math.max(1, Floats.CHUNK / width), (from, to) -> {
            float[] a = Floats.scratch(0, width);
            for (int r = from; r < to; r++) {
                out.get(r * width, a, 0, width);
                float s = scale[r], z = zero[r];
                for (int c = 0; c < width; c++) a[c] = (a[c] - z * channelSum[c]) * (s * channelScale[c]) + b[c];
                out.put(r * width, a, 0, width);
            }
        });
    }
}

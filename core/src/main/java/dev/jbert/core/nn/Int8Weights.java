package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeMemory;
import org.nd4j.linalg.api.buffer.DataType;
import dev.jbert.core.nn.host.Floats;
import dev.jbert.core.nn.host.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A Linear's weights quantized for {@link Precision#INT8}: symmetric int8 per output channel, {@code q = round(w/s)}
 * with {@code s = max|w|/127} over the channel's inputs, stored transposed ({@code [in, out]}) as the uint8×int8
 * product reads it, with each channel's scale and the sum of its quantized values (the zero point's correction).
 * Read-only once made: the arrays are held, not copied, and several threads may read them; after {@link #release()}
 * none may.
 *
 * @param weight      {@code [in, out]} int8
 * @param scales      {@code [out]}: channel c's weights are {@code scales[c]·q}
 * @param channelSums {@code [out]}: {@code Σ_k q[k, c]}, exact in float32 (at most 127 times the input width)
 */
public record Int8Weights(INDArray weight, float[] scales, float[] channelSums) {

    /**
     * Quantizes {@code w [out, in]}, a float32 weight in torch's layout.
     *
     * @param w {@code [out, in]} float32
     * @return the quantized weights
     */
    public static Int8Weights quantize(INDArray w) {
        int out = (int) w.size(0), in = (int) w.size(1);
        FloatBuffer src = Floats.of(w);
        float[] scales = new float[out];
        float[] sums = new float[out];
        byte[] transposed = new byte[in * out];
        Parallel.range(out, 1, (from, to) -> {
            float[] row = Floats.scratch(0, in);
            for (int c = from; c < to; c++) {
                src.get(c * in, row, 0, in);
                float max = 0;
                for (int k = 0; k < in; k++) max = Math.max(max, Math.abs(row[k]));
                // an all-zero channel keeps scale 1: its values quantize to 0 whatever the scale
                float scale = max == 0 ? 1f : max / 127f, inverse = 1f / scale;
                int sum = 0;
                for (int k = 0; k < in; k++) {
                    int q = Math.round(row[k] * inverse);
                    q = Math.max(-127, Math.min(127, q));
                    transposed[k * out + c] = (byte) q;
                    sum += q;
                }
                scales[c] = scale;
                sums[c] = sum;
            }
        });
        INDArray weight = Nd4j.createUninitialized(DataType.INT8, in, out);
        ByteBuffer dst = weight.data().asNio();
        dst.put(0, transposed);
        return new Int8Weights(weight, scales, sums);
    }

    /**
     * The input width.
     *
     * @return {@code in}
     */
    public int in() {
        return (int) weight.size(0);
    }

    /**
     * The output width, the number of channels.
     *
     * @return {@code out}
     */
    public int out() {
        return (int) weight.size(1);
    }

    /** Frees the native memory of the quantized weight. */
    public void release() {
        NativeMemory.free(weight);
    }
}

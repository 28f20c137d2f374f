package dev.jbert.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import dev.jbert.core.nn.host.Floats;
import dev.jbert.core.nn.host.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Conversions between float32 and bfloat16 arrays, for {@link Precision#BF16} products.
 *
 * <p>Rounding to bfloat16 is ND4J's native cast, which rounds to nearest even as torch's {@code .to(bfloat16)} does
 * (checked in the tests); widening is exact. Adding a bfloat16 array into a float32 one (a weight gradient into its
 * float32 sum) is a Java kernel: ND4J's mixed-type add runs several times slower than the memory allows.
 */
public final class Bf16 {

    private Bf16() {
    }

    /**
     * {@code low = bf16(x)}, rounded to nearest even; same lengths.
     *
     * @param x   float32
     * @param low bfloat16, overwritten
     */
    public static void round(INDArray x, INDArray low) {
        requireType(low, "rounding into");
        long t = Profiler.start();
        low.assign(x);
        Profiler.stop(Profiler.Section.CONVERSION, t);
    }

    /**
     * {@code x = float32(low)}, exactly.
     *
     * @param low bfloat16
     * @param x   float32, overwritten
     */
    public static void widen(INDArray low, INDArray x) {
        requireType(low, "widening");
        long t = Profiler.start();
        x.assign(low);
        Profiler.stop(Profiler.Section.CONVERSION, t);
    }

    /**
     * {@code sum += float32(low)} element by element, in parallel chunks.
     *
     * @param low bfloat16
     * @param sum float32, accumulated into
     */
    public static void addTo(INDArray low, INDArray sum) {
        requireType(low, "adding");
        if (low.length() != sum.length()) {
            throw new IllegalArgumentException("adding " + low.length() + " bfloat16 values into " + sum.length() + " floats");
        }
        ShortBuffer src = shorts(low);
        FloatBuffer dst = Floats.of(sum);
        int n = (int) sum.length();
        long t = Profiler.start();
        Parallel.range((n + Floats.CHUNK - 1) / Floats.CHUNK, 1, (from, to) -> {
            float[] acc = Floats.scratch(0, Floats.CHUNK);
            short[] bits = shortScratch();
            for (int c = from; c < to; c++) {
                int base = c * Floats.CHUNK, len = Math.min(Floats.CHUNK, n - base);
                src.get(base, bits, 0, len);
                dst.get(base, acc, 0, len);
                for (int j = 0; j < len; j++) acc[j] += Float.intBitsToFloat(bits[j] << 16);
                dst.put(base, acc, 0, len);
            }
        });
        Profiler.stop(Profiler.Section.CONVERSION, t);
    }

    private static final ThreadLocal<short[]> SHORTS = ThreadLocal.withInitial(() -> new short[Floats.CHUNK]);

    private static short[] shortScratch() {
        return SHORTS.get();
    }

    /** The native memory of a contiguous row-major bfloat16 array, index 0 at its first element. */
    static ShortBuffer shorts(INDArray a) {
        if (a.length() > 1 && (a.ordering() != 'c' || a.elementWiseStride() != 1)) {
            throw new IllegalArgumentException("expected a contiguous row-major array, got " + a.shapeInfoToString());
        }
        ShortBuffer whole = a.data().asNio().order(ByteOrder.nativeOrder()).asShortBuffer();
        whole.position((int) a.offset());
        return whole.slice();
    }

    private static void requireType(INDArray low, String what) {
        if (low.dataType() != DataType.BFLOAT16) throw new IllegalArgumentException(what + " a " + low.dataType() + " array as bfloat16");
    }
}

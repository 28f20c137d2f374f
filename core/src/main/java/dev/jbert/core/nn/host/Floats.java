package dev.jbert.core.nn.host;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The native memory of float32 arrays as {@link FloatBuffer}s, and per-thread heap scratch for kernels.
 *
 * <p>Kernels copy a row or a chunk of native memory into a heap array, compute there and copy back: the JIT
 * vectorises loops over {@code float[]} but not over a direct buffer, and a chunk this size stays in cache, so
 * the copies cost far less than the arithmetic they speed up.
 */
public final class Floats {

    /** Floats per chunk of an element-wise kernel: 16 KB, a quarter of a typical L1 data cache. */
    public static final int CHUNK = 4096;
    private static final int SLOTS = 6;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][]);
    private static final ThreadLocal<int[][]> INT_SCRATCH = ThreadLocal.withInitial(() -> new int[1][]);

    private Floats() {
    }

    /**
     * The elements of a contiguous row-major float32 array, index 0 at its first element.
     *
     * @param a a float32 array, contiguous and row-major
     * @return a view of its native memory, {@code a.length()} floats from index 0
     * @throws IllegalArgumentException for another type, order or a strided view: kernels assume neither
     */
    public static FloatBuffer of(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("expected float32, got " + a.dataType());
        if (a.length() > 1 && (a.ordering() != 'c' || a.elementWiseStride() != 1)) {
            throw new IllegalArgumentException("expected a contiguous row-major array, got shape "
                    + java.util.Arrays.toString(a.shape()) + " order " + a.ordering() + " strides " + java.util.Arrays.toString(a.stride()));
        }
        FloatBuffer whole = a.data().asNioFloat();
        long offset = a.offset();
        if (offset == 0) return whole;
        whole.position((int) offset);
        return whole.slice();
    }

    /**
     * A heap array of at least {@code n} floats, one per thread and slot; its contents are undefined.
     *
     * @param slot which of the thread's arrays, in {@code [0, 6)}; kernels running at once use different slots
     * @param n    the floats needed
     * @return the array, reused by the next call with the same slot on this thread
     */
    public static float[] scratch(int slot, int n) {
        float[][] mine = SCRATCH.get();
        float[] a = mine[slot];
        if (a == null || a.length < n) {
            a = new float[Math.max(n, CHUNK)];
            mine[slot] = a;
        }
        return a;
    }

    /**
     * A per-thread heap int array of at least {@code n}; its contents are undefined.
     *
     * @param n the ints needed
     * @return the array, reused by the next call on this thread
     */
    public static int[] intScratch(int n) {
        int[][] mine = INT_SCRATCH.get();
        if (mine[0] == null || mine[0].length < n) mine[0] = new int[Math.max(n, CHUNK)];
        return mine[0];
    }

    /** {@code y[0..n) = f(x[0..n))} on a chunk of heap copies. Called on several threads at once: keep no state. */
    @FunctionalInterface
    public interface Unary {
        /**
         * Computes one chunk.
         *
         * @param x the input values
         * @param y receives the results
         * @param n how many leading elements of {@code x} and {@code y} are used
         */
        void apply(float[] x, float[] y, int n);
    }

    /**
     * {@code out[0..n) = f(a[0..n), b[0..n))} on a chunk of heap copies. Called on several threads at once: keep no
     * state.
     */
    @FunctionalInterface
    public interface Binary {
        /**
         * Computes one chunk.
         *
         * @param a   the first input's values
         * @param b   the second input's values
         * @param out receives the results
         * @param n   how many leading elements of the arrays are used
         */
        void apply(float[] a, float[] b, float[] out, int n);
    }

    /**
     * {@code out = f(in)} element by element, in parallel chunks; {@code out} may be {@code in}.
     *
     * @param in  the input, contiguous float32
     * @param out the output, as many elements as {@code in}
     * @param f   the kernel on one chunk
     */
    public static void map(INDArray in, INDArray out, Unary f) {
        FloatBuffer src = of(in), dst = of(out);
        int n = checkSameLength(in, out);
        Parallel.range(chunks(n), 1, (from, to) -> {
            float[] x = scratch(0, CHUNK), y = scratch(1, CHUNK);
            for (int c = from; c < to; c++) {
                int base = c * CHUNK, len = Math.min(CHUNK, n - base);
                src.get(base, x, 0, len);
                f.apply(x, y, len);
                dst.put(base, y, 0, len);
            }
        });
    }

    /**
     * {@code out = f(a, b)} element by element, in parallel chunks; {@code out} may be {@code a} or {@code b}.
     *
     * @param a   the first input, contiguous float32
     * @param b   the second input, as many elements as {@code a}
     * @param out the output, as many elements as {@code a}
     * @param f   the kernel on one chunk
     */
    public static void map(INDArray a, INDArray b, INDArray out, Binary f) {
        FloatBuffer sa = of(a), sb = of(b), dst = of(out);
        int n = checkSameLength(a, out);
        checkSameLength(b, out);
        Parallel.range(chunks(n), 1, (from, to) -> {
            float[] x = scratch(0, CHUNK), y = scratch(1, CHUNK), z = scratch(2, CHUNK);
            for (int c = from; c < to; c++) {
                int base = c * CHUNK, len = Math.min(CHUNK, n - base);
                sa.get(base, x, 0, len);
                sb.get(base, y, 0, len);
                f.apply(x, y, z, len);
                dst.put(base, z, 0, len);
            }
        });
    }

    private static int chunks(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    private static int checkSameLength(INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException("element-wise kernel on arrays of " + a.length() + " and " + b.length() + " elements");
        }
        if (a.length() > Integer.MAX_VALUE) throw new IllegalArgumentException("array of " + a.length() + " elements is too large");
        return (int) a.length();
    }

    /** A kernel on a block of whole rows, {@code x} and {@code y} each {@code rows × width} values. */
    @FunctionalInterface
    public interface Rows {
        /**
         * Computes one block; it may also change {@code x}.
         *
         * @param x     the input rows, row-major
         * @param y     receives the output rows, row-major
         * @param rows  the rows in this block
         * @param width the values per row
         */
        void apply(float[] x, float[] y, int rows, int width);
    }

    /**
     * {@code f} over blocks of whole rows of {@code in [R, W]}, in parallel, writing {@code y} to {@code out} and,
     * when {@code updateIn}, {@code x} back to {@code in} (for a kernel that also changes its input).
     *
     * @param in       the input {@code [R, W]}, contiguous float32
     * @param out      the output, as many elements as {@code in}
     * @param updateIn whether the kernel's changes to {@code x} are written back to {@code in}
     * @param f        the kernel on one block of rows
     */
    public static void rows(INDArray in, INDArray out, boolean updateIn, Rows f) {
        int rows = (int) in.size(0), width = (int) in.size(1);
        checkSameLength(in, out);
        FloatBuffer src = of(in), dst = of(out);
        int block = Math.max(1, CHUNK / Math.max(1, width));
        Parallel.range(rows, block, (from, to) -> {
            float[] x = scratch(0, block * width), y = scratch(1, block * width);
            for (int r0 = from; r0 < to; r0 += block) {
                int n = Math.min(block, to - r0), len = n * width, at = r0 * width;
                src.get(at, x, 0, len);
                f.apply(x, y, n, width);
                if (updateIn) src.put(at, x, 0, len);
                dst.put(at, y, 0, len);
            }
        });
    }
}

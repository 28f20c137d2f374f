package dev.jbert.core.nn.host;

import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Dropout's masks on the host, never stored: element i of a pass is kept when 16 bits of a hash of (i, the site, the
 * pass's seed) fall at or above {@code p·65536}, so the backward pass recomputes the very same mask and a run is
 * reproducible from its seed alone, whatever the thread count. Different sites of one model get independent masks
 * through their site number. p is thereby rounded to a multiple of 1/65536 (0.1 becomes 0.100006). Immutable; safe to
 * share between threads.
 */
public final class HostDropout implements Kernels.DropoutKernel {

    /** 0, 1, 2, ...: see {@link #apply(float[], int, int, int, int)}. */
    private static final int[] IOTA = new int[Floats.CHUNK / 2 + 1];

    static {
        for (int i = 0; i < IOTA.length; i++) IOTA[i] = i;
    }

    private final int site;
    private final float scale;
    private final int threshold;            // keep when the element's 16 bits are >= threshold

    HostDropout(double p, int site) {
        this.site = site;
        this.scale = (float) (1.0 / (1.0 - p));
        this.threshold = (int) Math.round(p * 65536);
    }

    /**
     * The host masks of a dropout site, for kernels that apply them to blocks they already hold.
     *
     * @param dropout a dropout built on the host kernels
     * @return its kernel
     * @throws IllegalArgumentException if the dropout's kernel is another set's
     */
    public static HostDropout of(Dropout dropout) {
        if (dropout.kernel() instanceof HostDropout h) return h;
        throw new IllegalArgumentException("a host kernel was given a dropout of the " + dropout.kernel().getClass().getSimpleName()
                + " set: a model's modules must come from one kernel set");
    }

    @Override
    public void apply(INDArray in, INDArray out, Pass pass) {
        FloatBuffer src = Floats.of(in), dst = Floats.of(out);
        int n = (int) in.length();
        int key = key(pass);
        long t = Profiler.start();
        Parallel.range((n + Floats.CHUNK - 1) / Floats.CHUNK, 1, (from, to) -> {
            float[] x = Floats.scratch(0, Floats.CHUNK);
            for (int c = from; c < to; c++) {
                int base = c * Floats.CHUNK, len = Math.min(Floats.CHUNK, n - base);
                src.get(base, x, 0, len);
                apply(x, 0, len, base, key);
                dst.put(base, x, 0, len);
            }
        });
        Profiler.stop(Profiler.Section.DROPOUT, t);
    }

    /**
     * This site's mask key for a pass: callers of {@link #apply(float[], int, int, int, int)} need it.
     *
     * @param pass the pass, whose dropout seed the key is derived from
     * @return the key
     */
    public int key(Pass pass) {
        long z = pass.dropoutSeed() + 0x9E3779B97F4A7C15L * (site + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }

    /**
     * Masks {@code x[off, off+len)}, which holds the elements {@code [base, base+len)} of the dropped tensor
     * (row-major): for kernels that apply dropout to blocks they already hold.
     *
     * @param x    the block
     * @param off  where the masked elements start in {@code x}
     * @param len  how many elements are masked
     * @param base the index of {@code x[off]} in the dropped tensor
     * @param key  {@link #key(Pass)} of the pass
     */
    public void apply(float[] x, int off, int len, int base, int key) {
        for (int done = 0; done < len; done += Floats.CHUNK) {
            int n = Math.min(Floats.CHUNK, len - done), start = base + done;
            int firstPair = start >>> 1, pairs = ((start + n - 1) >>> 1) - firstPair + 1;
            int[] bits = Floats.intScratch(pairs);
            // one hash gives two elements 16 bits each; reading the index from IOTA instead of computing it
            // from the loop counter is what lets the JIT vectorise this loop
            for (int q = 0; q < pairs; q++) bits[q] = hash(IOTA[q] + firstPair, key);
            int t = threshold, o = off + done;
            float s = scale;
            if ((start & 1) == 0) {
                for (int j = 0; j < n; j++) {
                    int u = (bits[j >>> 1] >>> ((j & 1) << 4)) & 0xFFFF;
                    x[o + j] = u >= t ? x[o + j] * s : 0f;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int u = (bits[(j + 1) >>> 1] >>> (((j + 1) & 1) << 4)) & 0xFFFF;
                    x[o + j] = u >= t ? x[o + j] * s : 0f;
                }
            }
        }
    }

    /**
     * Whether element {@code index} is kept in this pass (for tests).
     *
     * @param pass  the pass
     * @param index the element's row-major index in the dropped tensor
     * @return whether it is kept (and scaled) rather than zeroed
     */
    public boolean keeps(Pass pass, int index) {
        int u = (hash(index >>> 1, key(pass)) >>> ((index & 1) << 4)) & 0xFFFF;
        return u >= threshold;
    }

    /** An integer hash with good avalanche (Wellons' lowbias32) of an index under a key. */
    private static int hash(int index, int key) {
        int h = index * 0x9E3779B9 + key;
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        return h ^ (h >>> 16);
    }
}

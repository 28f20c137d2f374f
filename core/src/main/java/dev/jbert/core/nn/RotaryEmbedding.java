package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Rotary position embeddings (RoPE) in transformers' "default" form, which ModernBERT uses: per head, dimension
 * {@code j} and {@code j + d} ({@code d = head_dim/2}) of the token at position {@code p} turn by the angle
 * {@code p·θ^(-2j/head_dim)}, as {@code x·cos + rotate_half(x)·sin} computes it. Angles, cosines and sines are
 * computed in float32 as transformers computes them, once per sequence length.
 *
 * <p>Rows are {@code [B·T, width]} with the {@code nh·hs} features of one projection at a column offset, so the
 * queries and keys of a fused {@code Wqkv} output are rotated out of it into their own {@code [B·T, H]} arrays,
 * and their gradients rotated back into the fused gradient.
 */
public final class RotaryEmbedding {

    private final int heads;
    private final int headSize;
    private final float[] inverseFrequency;   // [hs/2]
    private float[] cos = new float[0];       // [T, hs/2]
    private float[] sin = new float[0];
    private int cachedSeq;

    /**
     * @param theta {@code rope_theta}: the base the frequencies are powers of
     */
    public RotaryEmbedding(int heads, int headSize, double theta) {
        if (headSize % 2 != 0) throw new IllegalArgumentException("rotary embeddings need an even head size, got " + headSize);
        this.heads = heads;
        this.headSize = headSize;
        this.inverseFrequency = new float[headSize / 2];
        for (int j = 0; j < headSize / 2; j++) {
            float exponent = (float) (2 * j) / (float) headSize;
            inverseFrequency[j] = 1f / (float) Math.pow(theta, exponent);
        }
    }

    /**
     * Rotates {@code nh·hs} columns of {@code src} starting at {@code column} into {@code dst [B·T, nh·hs]}
     * (forward), or by the opposite angle, which is the rotation's transpose (the gradient).
     *
     * @param add add into {@code dst} instead of overwriting it
     */
    public void rotate(INDArray src, int column, INDArray dst, int seq, boolean inverse, boolean add) {
        tables(seq);
        int rows = (int) dst.size(0), width = heads * headSize, srcWidth = (int) src.size(1), half = headSize / 2;
        if (dst.size(1) != width || rows % seq != 0 || src.size(0) != rows || column + width > srcWidth) {
            throw new IllegalArgumentException("cannot rotate columns [" + column + ", " + (column + width) + ") of " + src.shapeInfoToString()
                    + " into " + dst.shapeInfoToString() + " at length " + seq);
        }
        FloatBuffer in = Floats.of(src), out = Floats.of(dst);
        float[] c = cos, s = sin;
        float sign = inverse ? -1f : 1f;
        Parallel.range(rows, Math.max(1, Floats.CHUNK / width), (from, to) -> {
            float[] x = Floats.scratch(0, width), y = Floats.scratch(1, width);
            for (int row = from; row < to; row++) {
                in.get(row * srcWidth + column, x, 0, width);
                int angles = (row % seq) * half;
                if (add) out.get(row * width, y, 0, width);
                for (int h = 0; h < width; h += headSize) {
                    for (int j = 0; j < half; j++) {
                        float cj = c[angles + j], sj = sign * s[angles + j];
                        float a = x[h + j], b = x[h + half + j];
                        float ra = a * cj + -b * sj, rb = b * cj + a * sj;
                        if (add) {
                            y[h + j] += ra;
                            y[h + half + j] += rb;
                        } else {
                            y[h + j] = ra;
                            y[h + half + j] = rb;
                        }
                    }
                }
                out.put(row * width, y, 0, width);
            }
        });
    }

    private void tables(int seq) {
        if (seq == cachedSeq) return;
        int half = headSize / 2;
        float[] c = new float[seq * half], s = new float[seq * half];
        for (int p = 0; p < seq; p++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) p * inverseFrequency[j];
                c[p * half + j] = (float) Math.cos(angle);
                s[p * half + j] = (float) Math.sin(angle);
            }
        }
        cos = c;
        sin = s;
        cachedSeq = seq;
    }
}

package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rotary position embeddings (RoPE) in transformers' "default" form, which ModernBERT uses: per head, dimension
 * {@code j} and {@code j + d} ({@code d = head_dim/2}) of the token at position {@code p} turn by the angle
 * {@code p·θ^(-2j/head_dim)}, as {@code x·cos + rotate_half(x)·sin} computes it. Angles, cosines and sines are
 * computed in float32 as transformers computes them ({@link #tables}); the rotation is the model's kernels'.
 *
 * <p>Rows are {@code [B·T, width]} with the {@code nh·hs} features of one projection at a column offset, so the
 * queries and keys of a fused {@code Wqkv} output are rotated out of it into their own {@code [B·T, H]} arrays,
 * and their gradients rotated back into the fused gradient.
 *
 * <p>Not thread-safe: the kernel caches its cosine and sine tables for the last sequence length, so one pass at a
 * time per model.
 */
public final class RotaryEmbedding {

    private final Kernels.RotaryKernel kernel;

    /**
     * Rotary embeddings for one attention layer.
     *
     * @param heads    the number of heads rotated, {@code nh}
     * @param headSize the columns per head, {@code hs}; even
     * @param theta    {@code rope_theta}: the base the frequencies are powers of
     * @param kernels  the model's kernel set
     */
    public RotaryEmbedding(int heads, int headSize, double theta, Kernels kernels) {
        if (headSize % 2 != 0) throw new IllegalArgumentException("rotary embeddings need an even head size, got " + headSize);
        this.kernel = kernels.rotary(heads, headSize, theta);
    }

    /**
     * Rotates {@code nh·hs} columns of {@code src} starting at {@code column} into {@code dst [B·T, nh·hs]}
     * (forward), or by the opposite angle, which is the rotation's transpose (the gradient).
     *
     * @param src     {@code [B·T, width]}
     * @param column  the first column rotated
     * @param dst     {@code [B·T, nh·hs]}, overwritten
     * @param seq     the padded sequence length {@code T}, which gives each row's position
     * @param inverse whether to rotate by the opposite angle
     */
    public void rotate(INDArray src, int column, INDArray dst, int seq, boolean inverse) {
        kernel.rotate(src, column, dst, seq, inverse);
    }

    /**
     * The cosines and sines of positions {@code [0, seq)}: {@code [T, hs/2]} row-major each, in float32 as
     * transformers computes them ({@code inv_freq = 1/θ^(2j/hs)}, {@code angle = p·inv_freq}).
     *
     * @param headSize the columns per head, {@code hs}
     * @param theta    {@code rope_theta}
     * @param seq      the positions, {@code T}
     * @return {@code {cos, sin}}
     */
    public static float[][] tables(int headSize, double theta, int seq) {
        int half = headSize / 2;
        float[] inverseFrequency = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / (float) headSize;
            inverseFrequency[j] = 1f / (float) Math.pow(theta, exponent);
        }
        float[] c = new float[seq * half], s = new float[seq * half];
        for (int p = 0; p < seq; p++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) p * inverseFrequency[j];
                c[p * half + j] = (float) Math.cos(angle);
                s[p * half + j] = (float) Math.sin(angle);
            }
        }
        return new float[][]{c, s};
    }
}

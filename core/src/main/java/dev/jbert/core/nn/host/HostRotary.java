package dev.jbert.core.nn.host;

import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.RotaryEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/** {@link RotaryEmbedding}'s rotation on the host, row by row, with the tables kept per sequence length. */
final class HostRotary implements Kernels.RotaryKernel {

    private final int heads;
    private final int headSize;
    private final double theta;
    private float[] cos = new float[0];       // [T, hs/2]
    private float[] sin = new float[0];
    private int cachedSeq;

    HostRotary(int heads, int headSize, double theta) {
        this.heads = heads;
        this.headSize = headSize;
        this.theta = theta;
    }

    @Override
    public void rotate(INDArray src, int column, INDArray dst, int seq, boolean inverse) {
        if (seq != cachedSeq) {
            float[][] t = RotaryEmbedding.tables(headSize, theta, seq);
            cos = t[0];
            sin = t[1];
            cachedSeq = seq;
        }
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
                for (int h = 0; h < width; h += headSize) {
                    for (int j = 0; j < half; j++) {
                        float cj = c[angles + j], sj = sign * s[angles + j];
                        float a = x[h + j], b = x[h + half + j];
                        y[h + j] = a * cj + -b * sj;
                        y[h + half + j] = b * cj + a * sj;
                    }
                }
                out.put(row * width, y, 0, width);
            }
        });
    }
}

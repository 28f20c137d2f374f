package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.RotaryEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The rotation as broadcasts: {@code y = x⊙cos + swap(x)⊙sin'}, where {@code swap} exchanges the two halves of each
 * head and {@code sin'} is the sine with the first half negated (the angle's sign flipped for the gradient). The
 * tables, {@code [T, nh·hs]} with each head's cosines and signed sines repeated, are uploaded once per length.
 */
final class DeviceRotary implements Kernels.RotaryKernel {

    private final int heads;
    private final int headSize;
    private final double theta;
    private INDArray cos, sin, inverseSin;     // [1, T, nh·hs]
    private int cachedSeq = -1;

    DeviceRotary(int heads, int headSize, double theta) {
        this.heads = heads;
        this.headSize = headSize;
        this.theta = theta;
    }

    @Override
    public void rotate(INDArray src, int column, INDArray dst, int seq, boolean inverse) {
        int rows = (int) dst.size(0), width = heads * headSize, half = headSize / 2;
        if (dst.size(1) != width || rows % seq != 0 || src.size(0) != rows || column + width > src.size(1)) {
            throw new IllegalArgumentException("cannot rotate columns [" + column + ", " + (column + width) + ") of " + src.shapeInfoToString()
                    + " into " + dst.shapeInfoToString() + " at length " + seq);
        }
        tables(seq);
        INDArray x = src.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + width));
        INDArray swapped = x.ulike();
        for (int h = 0; h < width; h += headSize) {
            swapped.get(NDArrayIndex.all(), NDArrayIndex.interval(h, h + half)).assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(h + half, h + headSize)));
            swapped.get(NDArrayIndex.all(), NDArrayIndex.interval(h + half, h + headSize)).assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(h, h + half)));
        }
        long batch = rows / seq;
        INDArray out = dst.reshape('c', batch, seq, width), copy = x.dup('c');
        DeviceOps.multiply(copy.reshape('c', batch, seq, width), cos, out);
        INDArray turned = DeviceOps.multiply(swapped.reshape('c', batch, seq, width), inverse ? inverseSin : sin, swapped.reshape('c', batch, seq, width));
        out.addi(turned);
        NativeMemory.free(copy, swapped);
    }

    private void tables(int seq) {
        if (seq == cachedSeq) return;
        int width = heads * headSize, half = headSize / 2;
        float[][] t = RotaryEmbedding.tables(headSize, theta, seq);
        float[] c = new float[seq * width], s = new float[seq * width], si = new float[seq * width];
        for (int p = 0; p < seq; p++) {
            for (int h = 0; h < width; h += headSize) {
                for (int j = 0; j < half; j++) {
                    float cj = t[0][p * half + j], sj = t[1][p * half + j];
                    int a = p * width + h + j, b = a + half;
                    c[a] = cj;
                    c[b] = cj;
                    // y_a = a·cos - b·sin, y_b = b·cos + a·sin; by the opposite angle the signs swap
                    s[a] = -sj;
                    s[b] = sj;
                    si[a] = sj;
                    si[b] = -sj;
                }
            }
        }
        cos = DeviceOps.upload(c, 1, seq, width);
        sin = DeviceOps.upload(s, 1, seq, width);
        inverseSin = DeviceOps.upload(si, 1, seq, width);
        cachedSeq = seq;
    }
}

package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * {@code torch.nn.LayerNorm} over the last dimension, optionally of a sum {@code x + residual} (the post-norm
 * residual of BERT-style layers), in one pass per row: {@code y = (v - mean)/sqrt(var + eps)·γ + β} with the
 * biased variance, as torch computes it. Mean and variance are accumulated in double.
 *
 * <p>The forward pass keeps the normalised rows {@code x̂} and each row's {@code 1/sqrt(var + eps)} for the
 * backward pass: {@code dv = rstd·(g - mean(g) - x̂·mean(g·x̂))} with {@code g = dy·γ}; {@code dγ += Σ dy·x̂} and
 * {@code dβ += Σ dy} over rows, summed per thread in double and combined in order.
 */
public final class LayerNorm {

    private final String weightName;
    private final String biasName;
    private final INDArray gamma;             // [H]
    private final INDArray beta;              // [H]
    private final float eps;
    private final int width;
    private final Slot output = new Slot();
    private final Slot normalised = new Slot();
    private final Slot inverseStd = new Slot();
    private final Slot inputGradient = new Slot();

    /**
     * @param prefix checkpoint prefix: parameters {@code prefix.weight} (γ) and {@code prefix.bias} (β)
     */
    public LayerNorm(String prefix, INDArray gamma, INDArray beta, double eps) {
        this.weightName = prefix + ".weight";
        this.biasName = prefix + ".bias";
        this.gamma = gamma;
        this.beta = beta;
        this.eps = (float) eps;
        this.width = (int) gamma.length();
        if (beta.length() != width) throw new IllegalArgumentException(biasName + " has " + beta.length() + " elements, expected " + width);
    }

    /** {@code LayerNorm(x + residual)} of {@code [N, H]} rows into this module's output slot; residual may be null. */
    public INDArray forward(INDArray x, INDArray residual) {
        int rows = (int) x.size(0), h = width;
        if (x.size(1) != h) throw new IllegalArgumentException("LayerNorm of width " + h + " on rows of " + x.size(1));
        INDArray y = output.get(rows, h);
        INDArray xHat = normalised.get(rows, h);
        INDArray rstd = inverseStd.get(rows);
        FloatBuffer in = Floats.of(x), res = residual == null ? null : Floats.of(residual);
        FloatBuffer out = Floats.of(y), hat = Floats.of(xHat), inv = Floats.of(rstd);
        float[] g = heap(gamma), b = heap(beta);
        float epsilon = eps;
        long t = Profiler.start();
        Parallel.range(rows, rowGrain(h), (from, to) -> {
            float[] v = Floats.scratch(0, h), r = Floats.scratch(1, h), o = Floats.scratch(2, h);
            for (int row = from; row < to; row++) {
                int at = row * h;
                in.get(at, v, 0, h);
                if (res != null) {
                    res.get(at, r, 0, h);
                    for (int j = 0; j < h; j++) v[j] += r[j];
                }
                double sum = 0;
                for (int j = 0; j < h; j++) sum += v[j];
                float mean = (float) (sum / h);
                double squares = 0;
                for (int j = 0; j < h; j++) {
                    float c = v[j] - mean;
                    v[j] = c;
                    squares += (double) c * c;
                }
                float s = (float) (1.0 / Math.sqrt((float) (squares / h) + epsilon));
                for (int j = 0; j < h; j++) {
                    float n = v[j] * s;
                    v[j] = n;
                    o[j] = n * g[j] + b[j];
                }
                hat.put(at, v, 0, h);
                out.put(at, o, 0, h);
                inv.put(row, s);
            }
        });
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return y;
    }

    /**
     * The gradient of the normalised input ({@code x + residual}) for {@code dy [N, H]}, in this module's slot,
     * accumulating γ's and β's gradients.
     */
    public INDArray backward(INDArray dy, Pass pass) {
        int rows = (int) dy.size(0), h = width;
        INDArray dx = inputGradient.get(rows, h);
        FloatBuffer gradOut = Floats.of(dy), hat = Floats.of(normalised.get(rows, h)), inv = Floats.of(inverseStd.get(rows));
        FloatBuffer gradIn = Floats.of(dx);
        INDArray dGamma = pass.gradient(weightName), dBeta = pass.gradient(biasName);
        boolean params = dGamma != null || dBeta != null;
        float[] g = heap(gamma);
        int grain = rowGrain(h);
        int parts = Parallel.partCount(rows, grain);
        double[][] sumDyXhat = new double[parts][params ? h : 0], sumDy = new double[parts][params ? h : 0];
        long t = Profiler.start();
        Parallel.parts(rows, grain, (part, from, to) -> {
            float[] d = Floats.scratch(0, h), xh = Floats.scratch(1, h), o = Floats.scratch(2, h);
            double[] accGamma = sumDyXhat[part], accBeta = sumDy[part];
            for (int row = from; row < to; row++) {
                int at = row * h;
                gradOut.get(at, d, 0, h);
                hat.get(at, xh, 0, h);
                if (params) {
                    for (int j = 0; j < h; j++) {
                        accGamma[j] += d[j] * xh[j];
                        accBeta[j] += d[j];
                    }
                }
                double sumG = 0, sumGx = 0;
                for (int j = 0; j < h; j++) {
                    float gj = d[j] * g[j];
                    o[j] = gj;
                    sumG += gj;
                    sumGx += gj * xh[j];
                }
                float meanG = (float) (sumG / h), meanGx = (float) (sumGx / h), s = inv.get(row);
                for (int j = 0; j < h; j++) o[j] = s * (o[j] - meanG - xh[j] * meanGx);
                gradIn.put(at, o, 0, h);
            }
        });
        if (dGamma != null) addInOrder(sumDyXhat, dGamma);
        if (dBeta != null) addInOrder(sumDy, dBeta);
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return dx;
    }

    private static void addInOrder(double[][] parts, INDArray target) {
        FloatBuffer t = Floats.of(target);
        for (int j = 0; j < target.length(); j++) {
            double sum = 0;
            for (double[] p : parts) sum += p[j];
            t.put(j, t.get(j) + (float) sum);
        }
    }

    private static int rowGrain(int width) {
        return Math.max(1, Floats.CHUNK / Math.max(1, width));
    }

    private static float[] heap(INDArray a) {
        float[] h = new float[(int) a.length()];
        Floats.of(a).get(0, h, 0, h.length);
        return h;
    }

    /** Frees the native memory of this module's slots. */
    public void release() {
        output.release();
        normalised.release();
        inverseStd.release();
        inputGradient.release();
    }
}

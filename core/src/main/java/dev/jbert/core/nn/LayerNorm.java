package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * {@code torch.nn.LayerNorm} over the last dimension, with the sum that feeds it in post-norm layers folded in:
 * {@code LayerNorm(dropout(x + bias) + residual)} in one pass per row, each of bias, dropout and residual
 * optional. {@code y = (v - mean)/sqrt(var + eps)·γ + β} with the biased variance, as torch computes it.
 *
 * <p>The forward pass keeps the normalised rows {@code x̂} and each row's {@code 1/sqrt(var + eps)} for the
 * backward pass: {@code dv = rstd·(g - mean(g) - x̂·mean(g·x̂))} with {@code g = dy·γ}; {@code dγ += Σ dy·x̂} and
 * {@code dβ += Σ dy} over rows. The backward pass also gives the gradient of {@code x} (the dropout mask applied
 * to {@code dv}) and of the bias (its column sums) when asked, in the same pass. Column sums are per thread,
 * combined in order, so results do not depend on timing.
 */
public final class LayerNorm {

    private final String weightName;
    private final String biasName;
    private final INDArray gamma;             // [H]
    private final INDArray beta;              // [H], or null for a LayerNorm without bias
    private final float eps;
    private final int width;
    private final Slot output = new Slot();
    private final Slot normalised = new Slot();
    private final Slot inverseStd = new Slot();
    private final Slot inputGradient = new Slot();

    /**
     * @param prefix checkpoint prefix: parameters {@code prefix.weight} (γ) and {@code prefix.bias} (β)
     * @param beta   null for {@code nn.LayerNorm(bias=False)} (ModernBERT)
     */
    public LayerNorm(String prefix, INDArray gamma, INDArray beta, double eps) {
        this.weightName = prefix + ".weight";
        this.biasName = beta == null ? null : prefix + ".bias";
        this.gamma = gamma;
        this.beta = beta;
        this.eps = (float) eps;
        this.width = (int) gamma.length();
        if (beta != null && beta.length() != width) {
            throw new IllegalArgumentException(biasName + " has " + beta.length() + " elements, expected " + width);
        }
    }

    /**
     * {@code LayerNorm(dropout(x + bias) + residual)} of {@code [N, H]} rows into this module's output slot; bias
     * ({@code [H]}), dropout and residual ({@code [N, H]}) may each be null. Only a training pass keeps what the
     * backward pass needs.
     */
    public INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, Pass pass) {
        int rows = (int) x.size(0), h = width;
        if (x.size(1) != h) throw new IllegalArgumentException("LayerNorm of width " + h + " on rows of " + x.size(1));
        INDArray y = output.get(rows, h);
        INDArray xHat = normalised.get(rows, h);
        INDArray rstd = inverseStd.get(rows);
        FloatBuffer in = Floats.of(x), res = residual == null ? null : Floats.of(residual);
        FloatBuffer out = Floats.of(y), hat = Floats.of(xHat), inv = Floats.of(rstd);
        boolean keep = pass.training();
        float[] g = heap(gamma), b = beta == null ? new float[h] : heap(beta), added = bias == null ? null : heap(bias);
        boolean drop = dropout != null && dropout.active(pass);
        int key = drop ? dropout.key(pass) : 0;
        float epsilon = eps;
        long t = Profiler.start();
        Parallel.range(rows, rowGrain(h), (from, to) -> {
            float[] v = Floats.scratch(0, h), r = Floats.scratch(1, h), o = Floats.scratch(2, h);
            for (int row = from; row < to; row++) {
                int at = row * h;
                in.get(at, v, 0, h);
                if (added != null) for (int j = 0; j < h; j++) v[j] += added[j];
                if (drop) dropout.apply(v, 0, h, at, key);
                if (res != null) {
                    res.get(at, r, 0, h);
                    for (int j = 0; j < h; j++) v[j] += r[j];
                }
                float mean = (float) (sum(v, h) / h);
                for (int j = 0; j < h; j++) v[j] -= mean;
                for (int j = 0; j < h; j++) o[j] = v[j] * v[j];
                float s = (float) (1.0 / Math.sqrt((float) (sum(o, h) / h) + epsilon));
                for (int j = 0; j < h; j++) v[j] *= s;
                for (int j = 0; j < h; j++) o[j] = v[j] * g[j] + b[j];
                if (keep) {
                    hat.put(at, v, 0, h);
                    inv.put(row, s);
                }
                out.put(at, o, 0, h);
            }
        });
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return y;
    }

    /** The gradient of the normalised sum for {@code dy [N, H]}, in this module's slot; see the class comment. */
    public INDArray backward(INDArray dy, Pass pass) {
        return backward(dy, null, null, null, pass);
    }

    /**
     * The gradient of the normalised sum ({@code dropout(x + bias) + residual}) for {@code dy [N, H]}, in this
     * module's slot, accumulating γ's and β's gradients. When {@code dx} is given, the gradient of {@code x}
     * (the sum's through dropout) is written into it; without dropout it equals the sum's, and {@code dx} may be
     * null. When {@code dBias} is given, the column sums of x's gradient are added into it.
     */
    public INDArray backward(INDArray dy, Dropout dropout, INDArray dx, INDArray dBias, Pass pass) {
        int rows = (int) dy.size(0), h = width;
        INDArray dSum = inputGradient.get(rows, h);
        FloatBuffer gradOut = Floats.of(dy), hat = Floats.of(normalised.get(rows, h)), inv = Floats.of(inverseStd.get(rows));
        FloatBuffer gradIn = Floats.of(dSum), gradX = dx == null ? null : Floats.of(dx);
        INDArray dGamma = pass.gradient(weightName), dBeta = biasName == null ? null : pass.gradient(biasName);
        boolean params = dGamma != null || dBeta != null, biasGrad = dBias != null;
        boolean drop = dropout != null && dropout.active(pass);
        int key = drop ? dropout.key(pass) : 0;
        float[] g = heap(gamma);
        int grain = rowGrain(h);
        int parts = Parallel.partCount(rows, grain);
        ColumnSums.Partials sumDyXhat = new ColumnSums.Partials(parts, params ? h : 0), sumDy = new ColumnSums.Partials(parts, params ? h : 0);
        ColumnSums.Partials sumDx = new ColumnSums.Partials(parts, biasGrad ? h : 0);
        long t = Profiler.start();
        Parallel.parts(rows, grain, (part, from, to) -> {
            float[] d = Floats.scratch(0, h), xh = Floats.scratch(1, h), o = Floats.scratch(2, h);
            float[] prod = Floats.scratch(4, h);
            for (int row = from; row < to; row++) {
                int at = row * h;
                gradOut.get(at, d, 0, h);
                hat.get(at, xh, 0, h);
                if (params) {
                    for (int j = 0; j < h; j++) prod[j] = d[j] * xh[j];
                    sumDyXhat.add(part, prod);
                    sumDy.add(part, d);
                }
                for (int j = 0; j < h; j++) o[j] = d[j] * g[j];
                float meanG = (float) (sum(o, h) / h);
                for (int j = 0; j < h; j++) prod[j] = o[j] * xh[j];
                float meanGx = (float) (sum(prod, h) / h), s = inv.get(row);
                for (int j = 0; j < h; j++) o[j] = s * (o[j] - meanG - xh[j] * meanGx);
                gradIn.put(at, o, 0, h);
                if (gradX != null) {
                    if (drop) dropout.apply(o, 0, h, at, key);
                    gradX.put(at, o, 0, h);
                }
                if (biasGrad) sumDx.add(part, o);
            }
        });
        if (dGamma != null) sumDyXhat.addTo(dGamma);
        if (dBeta != null) sumDy.addTo(dBeta);
        if (biasGrad) sumDx.addTo(dBias);
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return dSum;
    }

    /**
     * Σ x[0..n) with eight partial sums, combined in double: the JIT does not vectorise a float sum (its order is
     * fixed), but eight independent additions keep the adder busy where one chain waits on each result.
     */
    private static double sum(float[] x, int n) {
        float a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0;
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            a += x[j];
            b += x[j + 1];
            c += x[j + 2];
            d += x[j + 3];
            e += x[j + 4];
            f += x[j + 5];
            g += x[j + 6];
            h += x[j + 7];
        }
        double total = (double) a + b + c + d + e + f + g + h;
        for (; j < n; j++) total += x[j];
        return total;
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

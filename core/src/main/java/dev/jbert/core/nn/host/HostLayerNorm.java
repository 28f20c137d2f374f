package dev.jbert.core.nn.host;

import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * LayerNorm on the host, one pass per row: the forward pass keeps the normalised rows {@code x̂} and each row's
 * {@code 1/sqrt(var + eps)}; the backward pass is {@code dv = rstd·(g - mean(g) - x̂·mean(g·x̂))} with
 * {@code g = dy·γ}, {@code dγ += Σ dy·x̂} and {@code dβ += Σ dy} over rows, and, when asked, the gradient of
 * {@code x} (the dropout mask applied to {@code dv}) and the bias's (its column sums) in the same pass. Column sums
 * are per thread, combined in order, so results do not depend on timing.
 */
final class HostLayerNorm implements Kernels.LayerNormKernel {

    private final int width;
    private final float eps;
    private final Slot output = new Slot();
    private final Slot normalised = new Slot();
    private final Slot inverseStd = new Slot();
    private final Slot inputGradient = new Slot();

    HostLayerNorm(int width, float eps) {
        this.width = width;
        this.eps = eps;
    }

    @Override
    public INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, INDArray gamma, INDArray beta, Pass pass) {
        int rows = (int) x.size(0), h = width;
        INDArray y = output.get(rows, h);
        INDArray xHat = normalised.get(rows, h);
        INDArray rstd = inverseStd.get(rows);
        FloatBuffer in = Floats.of(x), res = residual == null ? null : Floats.of(residual);
        FloatBuffer out = Floats.of(y), hat = Floats.of(xHat), inv = Floats.of(rstd);
        boolean keep = pass.training();
        float[] g = heap(gamma), b = beta == null ? new float[h] : heap(beta), added = bias == null ? null : heap(bias);
        boolean drop = dropout != null && dropout.active(pass);
        HostDropout masks = drop ? HostDropout.of(dropout) : null;
        int key = drop ? masks.key(pass) : 0;
        float epsilon = eps;
        long t = Profiler.start();
        Parallel.range(rows, rowGrain(h), (from, to) -> {
            float[] v = Floats.scratch(0, h), r = Floats.scratch(1, h), o = Floats.scratch(2, h);
            for (int row = from; row < to; row++) {
                int at = row * h;
                in.get(at, v, 0, h);
                if (added != null) for (int j = 0; j < h; j++) v[j] += added[j];
                if (drop) masks.apply(v, 0, h, at, key);
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

    @Override
    public INDArray backward(INDArray dy, INDArray gamma, Dropout dropout, INDArray dx, INDArray dBias, INDArray dGamma, INDArray dBeta,
                             Pass pass) {
        int rows = (int) dy.size(0), h = width;
        INDArray dSum = inputGradient.get(rows, h);
        FloatBuffer gradOut = Floats.of(dy), hat = Floats.of(normalised.get(rows, h)), inv = Floats.of(inverseStd.get(rows));
        FloatBuffer gradIn = Floats.of(dSum), gradX = dx == null ? null : Floats.of(dx);
        boolean params = dGamma != null || dBeta != null, biasGrad = dBias != null;
        boolean drop = dropout != null && dropout.active(pass);
        HostDropout masks = drop ? HostDropout.of(dropout) : null;
        int key = drop ? masks.key(pass) : 0;
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
                    if (drop) masks.apply(o, 0, h, at, key);
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

    @Override
    public void release() {
        output.release();
        normalised.release();
        inverseStd.release();
        inputGradient.release();
    }
}

package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * LayerNorm from mean and variance reductions and broadcasts: ND4J's {@code layer_norm} has no epsilon argument and a
 * slow backward pass (ND4J-NOTES). Saves {@code x̂} and {@code 1/sqrt(var + eps)} for the backward pass, which is
 * {@code dv = rstd·(g - mean(g) - x̂·mean(g·x̂))} with {@code g = dy·γ}.
 */
final class DeviceLayerNorm implements Kernels.LayerNormKernel {

    private final int width;
    private final float eps;
    private final Slot sum = new Slot();
    private final Slot output = new Slot();
    private final Slot normalised = new Slot();
    private final Slot inverseStd = new Slot();
    private final Slot inputGradient = new Slot();

    DeviceLayerNorm(int width, float eps) {
        this.width = width;
        this.eps = eps;
    }

    @Override
    public INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, INDArray gamma, INDArray beta, Pass pass) {
        long t = Profiler.start();
        long rows = x.size(0);
        INDArray v = sum.get(rows, width).assign(x);                          // [N, H]
        if (bias != null) v.addiRowVector(bias);
        if (dropout != null && dropout.active(pass)) DeviceOps.multiply(v, DeviceDropout.of(dropout).mask(v.shape(), pass), v);
        if (residual != null) v.addi(residual);
        INDArray mean = v.mean(1);
        INDArray centered = v.subiColumnVector(mean);
        INDArray squares = centered.mul(centered), variance = squares.mean(1);
        INDArray rstd = inverseStd.get(rows).assign(variance.addi(eps));
        NativeMemory.free(mean, squares, variance);
        Transforms.sqrt(rstd, false).rdivi(1);
        INDArray xHat = normalised.get(rows, width).assign(centered.muliColumnVector(rstd));
        INDArray y = output.get(rows, width).assign(xHat).muliRowVector(gamma);
        if (beta != null) y.addiRowVector(beta);
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return y;
    }

    @Override
    public INDArray backward(INDArray dy, INDArray gamma, Dropout dropout, INDArray dx, INDArray dBias, INDArray dGamma, INDArray dBeta,
                             Pass pass) {
        long t = Profiler.start();
        long rows = dy.size(0);
        INDArray xHat = normalised.get(rows, width), rstd = inverseStd.get(rows);
        if (dGamma != null) {
            INDArray products = dy.mul(xHat), sums = products.sum(0);
            dGamma.addi(sums.reshape(dGamma.shape()));
            NativeMemory.free(products, sums);
        }
        if (dBeta != null) {
            INDArray sums = dy.sum(0);
            dBeta.addi(sums.reshape(dBeta.shape()));
            NativeMemory.free(sums);
        }
        INDArray g = dy.mulRowVector(gamma);
        INDArray gx = g.mul(xHat), meanGx = gx.mean(1), meanG = g.mean(1);
        INDArray dSum = inputGradient.get(rows, width).assign(g.subiColumnVector(meanG));
        INDArray along = xHat.mulColumnVector(meanGx);
        dSum.subi(along).muliColumnVector(rstd);
        NativeMemory.free(g, gx, meanGx, meanG, along);
        INDArray dInput = dSum;
        if (dx != null) {
            if (dropout != null && dropout.active(pass)) DeviceOps.multiply(dSum, DeviceDropout.of(dropout).mask(dSum.shape(), pass), dx);
            else dx.assign(dSum);
            dInput = dx;
        }
        if (dBias != null) {
            INDArray sums = dInput.sum(0);
            dBias.addi(sums.reshape(dBias.shape()));
            NativeMemory.free(sums);
        }
        Profiler.stop(Profiler.Section.LAYER_NORM, t);
        return dSum;
    }

    @Override
    public void release() {
        for (Slot s : new Slot[]{sum, output, normalised, inverseStd, inputGradient}) s.release();
    }
}

package dev.jbert.core.nn.host;

import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Profiler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The kernels on ND4J's host buffers: GEMMs through ND4J (oneDNN where the build has it), per-head attention products
 * with single-threaded BLAS calls in parallel, and Java kernels that copy cache-sized chunks to the heap, where the
 * JIT vectorises the arithmetic, and back. Work is split over the process's cores by {@link Parallel},
 * deterministically. CPU only: a CUDA array's host copy is stale unless synced.
 *
 * <p>Keeps no state of its own and its scratch per thread, so models on different threads share the one instance;
 * each stateful kernel it creates belongs to one module.
 */
public final class HostKernels implements Kernels {

    /** The one instance, which {@link dev.jbert.core.nn.KernelSet#HOST} hands out. */
    public static final HostKernels INSTANCE = new HostKernels();

    private HostKernels() {
    }

    @Override
    public KernelSet set() {
        return KernelSet.HOST;
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        long t = Profiler.start();
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
        Profiler.stop(Profiler.Section.LINEAR, t);
    }

    @Override
    public void addBias(INDArray y, INDArray b) {
        long t = Profiler.start();
        int rows = (int) y.size(0), cols = (int) y.size(1);
        FloatBuffer dst = Floats.of(y);
        float[] bias = new float[cols];
        Floats.of(b).get(0, bias, 0, cols);
        int block = Math.max(1, Floats.CHUNK / cols);
        Parallel.range(rows, block, (from, to) -> {
            float[] x = Floats.scratch(0, block * cols);
            for (int r0 = from; r0 < to; r0 += block) {
                int r1 = Math.min(to, r0 + block), len = (r1 - r0) * cols;
                dst.get(r0 * cols, x, 0, len);
                for (int r = 0; r < r1 - r0; r++) {
                    int o = r * cols;
                    for (int j = 0; j < cols; j++) x[o + j] += bias[j];
                }
                dst.put(r0 * cols, x, 0, len);
            }
        });
        Profiler.stop(Profiler.Section.BIAS, t);
    }

    @Override
    public void addColumnSums(INDArray a, INDArray target) {
        long t = Profiler.start();
        ColumnSums.addTo(a, target);
        Profiler.stop(Profiler.Section.BIAS, t);
    }

    @Override
    public void activation(ActivationFunction f, INDArray x, INDArray bias, INDArray y, boolean keepBiasedInput) {
        HostActivations.forward(f, x, bias, y, keepBiasedInput);
    }

    @Override
    public void activationBackward(ActivationFunction f, INDArray x, INDArray y, INDArray dy, INDArray dx) {
        HostActivations.backward(f, x, y, dy, dx);
    }

    @Override
    public void sumRows(INDArray out, List<Lookup> lookups) {
        TableRows.sum(out, lookups);
    }

    @Override
    public void scatterRows(INDArray rows, int[] ids, int period, int skip, INDArray gradient) {
        TableRows.scatterAdd(rows, ids, period, skip, gradient);
    }

    @Override
    public void zeroPaddedRows(INDArray rows, AttentionMask mask) {
        FloatBuffer b = Floats.of(rows);
        int width = (int) rows.size(1);
        float[] zeros = new float[width];
        for (int r = 0; r < mask.batch(); r++) {
            for (int t : mask.padded()[r]) b.put((r * mask.seq() + t) * width, zeros, 0, width);
        }
    }

    @Override
    public void firstTokens(INDArray hidden, INDArray first, int seq) {
        FirstToken.gather(hidden, first, seq);
    }

    @Override
    public void addFirstTokens(INDArray dFirst, INDArray dHidden, int seq) {
        FirstToken.addTo(dFirst, dHidden, seq);
    }

    @Override
    public void meanPool(INDArray hidden, int[][] attentionMask, INDArray pooled) {
        MeanPooling.pool(hidden, attentionMask, pooled);
    }

    @Override
    public void addMeanPool(INDArray dPooled, int[][] attentionMask, INDArray dHidden) {
        MeanPooling.addTo(dPooled, attentionMask, dHidden);
    }

    @Override
    public DropoutKernel dropout(double p, int site) {
        return new HostDropout(p, site);
    }

    @Override
    public LayerNormKernel layerNorm(int width, float eps) {
        return new HostLayerNorm(width, eps);
    }

    @Override
    public AttentionKernel attention(int heads, int headSize, Dropout dropout, AttentionOptions options) {
        return new HostAttention(heads, headSize, dropout, options);
    }

    @Override
    public RelativePositionKernel relativePositions(int heads, int headSize, float scale) {
        return new HostRelativePositions(heads, headSize, scale);
    }

    @Override
    public RotaryKernel rotary(int heads, int headSize, double theta) {
        return new HostRotary(heads, headSize, theta);
    }
}

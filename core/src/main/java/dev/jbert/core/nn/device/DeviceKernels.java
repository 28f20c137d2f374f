package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Profiler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * The kernels as ND4J operations only, never reading or writing an array's host memory, so that they run on any ND4J
 * backend: matrix products, broadcasts, reductions, gathers and segment sums, and ND4J's random generator for
 * dropout masks. What the host supplies (token ids, padding, relative-position indices) is uploaded as arrays. On
 * the CPU they compute what the host kernels compute, more slowly; the same fixture tests hold both to transformers.
 *
 * <p>Keeps no state of its own (uploads are cached per thread), so models on different threads share the one
 * instance; each stateful kernel it creates belongs to one module.
 */
public final class DeviceKernels implements Kernels {

    /** The one instance, which {@link dev.jbert.core.nn.KernelSet#DEVICE} hands out. */
    public static final DeviceKernels INSTANCE = new DeviceKernels();

    private DeviceKernels() {
    }

    @Override
    public KernelSet set() {
        return KernelSet.DEVICE;
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        long t = Profiler.start();
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
        Profiler.stop(Profiler.Section.LINEAR, t);
    }

    @Override
    public void addBias(INDArray y, INDArray bias) {
        long t = Profiler.start();
        y.addiRowVector(bias);
        Profiler.stop(Profiler.Section.BIAS, t);
    }

    @Override
    public void addColumnSums(INDArray a, INDArray target) {
        long t = Profiler.start();
        INDArray sums = a.sum(0);
        target.addi(sums.reshape(target.shape()));
        NativeMemory.free(sums);
        Profiler.stop(Profiler.Section.BIAS, t);
    }

    @Override
    public void activation(ActivationFunction f, INDArray x, INDArray bias, INDArray y, boolean keepBiasedInput) {
        long t = Profiler.start();
        INDArray in = x;
        if (bias != null) in = keepBiasedInput ? x.addiRowVector(bias) : x.addRowVector(bias);
        DeviceActivations.forward(f, in, y);
        if (in != x) NativeMemory.free(in);
        Profiler.stop(Profiler.Section.ACTIVATION, t);
    }

    @Override
    public void activationBackward(ActivationFunction f, INDArray x, INDArray y, INDArray dy, INDArray dx) {
        long t = Profiler.start();
        DeviceActivations.backward(f, x, y, dy, dx);
        Profiler.stop(Profiler.Section.ACTIVATION, t);
    }

    @Override
    public void sumRows(INDArray out, List<Lookup> lookups) {
        long t = Profiler.start();
        int rows = (int) out.size(0);
        for (int k = 0; k < lookups.size(); k++) {
            Lookup l = lookups.get(k);
            if (l.table().size(1) != out.size(1)) {
                throw new IllegalArgumentException("a table of width " + l.table().size(1) + " summed into rows of " + out.size(1));
            }
            for (int r = 0; r < rows; r++) {
                int id = l.row(r);
                if (id < 0 || id >= l.table().size(0)) {
                    throw new IllegalArgumentException("id " + id + " at position " + r + " is outside the table's " + l.table().size(0) + " rows");
                }
            }
            INDArray picked = DeviceOps.gather(l.table(), ids(l.ids(), l.period(), rows));
            if (k == 0) out.assign(picked);
            else out.addi(picked);
            NativeMemory.free(picked);
        }
        Profiler.stop(Profiler.Section.EMBEDDINGS, t);
    }

    /** The rows a lookup reads ({@link Lookup#row}) on the device, uploaded once per pass. */
    private static INDArray ids(int[] ids, int period, int rows) {
        if (ids != null) return DeviceUploads.of(ids, "ids", 0, () -> DeviceOps.upload(ids));
        return DeviceUploads.of(PERIODIC, "positions", (long) period << 32 | rows, () -> {
            int[] positions = new int[rows];
            for (int r = 0; r < rows; r++) positions[r] = r % period;
            return DeviceOps.upload(positions);
        });
    }

    /** What periodic position ids are uploaded from: they depend on the period and the rows only. */
    private static final Object PERIODIC = new Object();

    @Override
    public void scatterRows(INDArray rows, int[] ids, int period, int skip, INDArray gradient) {
        long t = Profiler.start();
        int n = (int) rows.size(0), tableRows = (int) gradient.size(0);
        INDArray segments = segments(ids(ids, period, n), skip, tableRows);
        INDArray sums = DeviceOps.segmentSum(rows, segments, tableRows + 1);
        gradient.addi(sums.get(NDArrayIndex.interval(0, tableRows), NDArrayIndex.all()));
        NativeMemory.free(sums);
        Profiler.stop(Profiler.Section.EMBEDDINGS, t);
    }

    /**
     * Each row's segment: its id, or, for the skipped id, a segment past the table's, which is then left out. Made on
     * the device from the uploaded ids, once per pass.
     */
    private static INDArray segments(INDArray ids, int skip, int tableRows) {
        if (skip < 0) return ids;
        return DeviceUploads.of(ids, "segments", (long) skip << 32 | tableRows, () -> {
            INDArray skipped = ids.eq(skip).castTo(ids.dataType());
            return DeviceOps.add(skipped.muli(tableRows - skip), ids, skipped);
        });
    }

    @Override
    public void zeroPaddedRows(INDArray rows, AttentionMask mask) {
        INDArray column = DeviceUploads.of(mask, "keep", 0, () -> {
            float[] keep = new float[mask.batch() * mask.seq()];
            java.util.Arrays.fill(keep, 1f);
            for (int r = 0; r < mask.batch(); r++) for (int t : mask.padded()[r]) keep[r * mask.seq() + t] = 0f;
            return DeviceOps.upload(keep, keep.length, 1);
        });
        rows.muliColumnVector(column);
    }

    @Override
    public void firstTokens(INDArray hidden, INDArray first, int seq) {
        first.assign(firstRows(hidden, first.size(0), seq));
    }

    @Override
    public void addFirstTokens(INDArray dFirst, INDArray dHidden, int seq) {
        firstRows(dHidden, dFirst.size(0), seq).addi(dFirst);
    }

    /** The view of row {@code b·seq} of every sequence, {@code [B, H]}. */
    private static INDArray firstRows(INDArray hidden, long batch, int seq) {
        return hidden.reshape('c', batch, seq, hidden.size(1)).get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
    }

    @Override
    public void meanPool(INDArray hidden, int[][] attentionMask, INDArray pooled) {
        int b = (int) pooled.size(0), h = (int) pooled.size(1), seq = attentionMask[0].length;
        INDArray weights = meanWeights(attentionMask);
        INDArray weighted = DeviceOps.multiply(hidden.reshape('c', b, seq, h), weights, Nd4j.createUninitialized(hidden.dataType(), b, seq, h));
        INDArray sums = weighted.sum(1);
        pooled.assign(sums);
        NativeMemory.free(weighted, sums);
    }

    @Override
    public void addMeanPool(INDArray dPooled, int[][] attentionMask, INDArray dHidden) {
        int b = (int) dPooled.size(0), h = (int) dPooled.size(1), seq = attentionMask[0].length;
        INDArray weights = meanWeights(attentionMask);
        INDArray spread = DeviceOps.multiply(weights, dPooled.reshape('c', b, 1, h), Nd4j.createUninitialized(dPooled.dataType(), b, seq, h));
        dHidden.reshape('c', b, seq, h).addi(spread);
        NativeMemory.free(spread);
    }

    /** {@code m[b][t] / Σ_t m[b][t]} as {@code [B, T, 1]}, uploaded once per pass. */
    private static INDArray meanWeights(int[][] attentionMask) {
        return DeviceUploads.of(attentionMask, "mean", 0, () -> {
            int b = attentionMask.length, seq = attentionMask[0].length;
            float[] w = new float[b * seq];
            for (int r = 0; r < b; r++) {
                float count = 0;
                for (int v : attentionMask[r]) count += v;
                for (int t = 0; t < seq; t++) w[r * seq + t] = attentionMask[r][t] / count;
            }
            return DeviceOps.upload(w, b, seq, 1);
        });
    }

    @Override
    public DropoutKernel dropout(double p, int site) {
        return new DeviceDropout(p, site);
    }

    @Override
    public LayerNormKernel layerNorm(int width, float eps) {
        return new DeviceLayerNorm(width, eps);
    }

    @Override
    public AttentionKernel attention(int heads, int headSize, Dropout dropout, AttentionOptions options) {
        return new DeviceAttention(heads, headSize, dropout, options);
    }

    @Override
    public RelativePositionKernel relativePositions(int heads, int headSize, float scale) {
        return new DeviceRelativePositions(heads, headSize, scale);
    }

    @Override
    public RotaryKernel rotary(int heads, int headSize, double theta) {
        return new DeviceRotary(heads, headSize, theta);
    }
}

package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Attention as batched products over {@code [B, nh, T, hs]} heads: scores {@code Q·Kᵀ·scale} (plus DeBERTa's
 * position terms), masked, a softmax, dropout, times V. Masked scores are set to {@code -Float.MAX_VALUE} as the
 * host kernels set them (not added to), so a query whose every key is masked gets the same uniform softmax. The
 * mask, built on the host from the padding, the window and the padded queries, is uploaded once per pass.
 */
final class DeviceAttention implements Kernels.AttentionKernel {

    private final int heads;
    private final int headSize;
    private final int window;
    private final boolean maskPaddedQueries;
    private final DeviceRelativePositions positions;
    private final float scale;
    private final Dropout dropout;
    private final Slot context = new Slot();
    private final Slot queryGradient = new Slot(), keyGradient = new Slot(), valueGradient = new Slot();
    private INDArray q4, k4, v4;             // [B, nh, T, hs] of the last forward pass
    private INDArray probabilities, used;    // [B, nh, T, T]: after the softmax, after dropout
    private INDArray queryKeep;              // [B, 1, T, 1], 0 for padded queries when they are masked, else null
    private AttentionMask mask;
    private boolean droppedOut;

    DeviceAttention(int heads, int headSize, Dropout dropout, Kernels.AttentionOptions options) {
        this.heads = heads;
        this.headSize = headSize;
        this.window = options.window();
        this.maskPaddedQueries = options.maskPaddedQueries();
        this.positions = options.positions() == null ? null : DeviceRelativePositions.of(options.positions());
        this.scale = (float) options.scale();
        this.dropout = dropout;
    }

    @Override
    public INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass) {
        long t0 = Profiler.start();
        int b = mask.batch(), t = mask.seq();
        freeSaved();
        q4 = DeviceOps.heads(q, b, t, heads, headSize);
        k4 = DeviceOps.heads(k, b, t, heads, headSize);
        v4 = DeviceOps.heads(v, b, t, heads, headSize);
        INDArray scores = DeviceOps.product(q4, k4, false, true).muli(scale);       // [B, nh, T, T]
        if (positions != null) positions.addTo(scores, q4, k4, t);
        INDArray[] keepAndFill = masks(mask);
        DeviceOps.multiply(scores, keepAndFill[0], scores);
        DeviceOps.add(scores, keepAndFill[1], scores);
        Profiler.stop(Profiler.Section.ATTENTION, t0);
        long t1 = Profiler.start();
        Nd4j.exec(new SoftMax(scores, scores, 3));
        Profiler.stop(Profiler.Section.SOFTMAX, t1);
        t0 = Profiler.start();
        probabilities = scores;
        droppedOut = dropout.active(pass);
        used = droppedOut ? DeviceOps.multiply(probabilities, DeviceDropout.of(dropout).mask(probabilities.shape(), pass),
                Nd4j.createUninitialized(probabilities.dataType(), probabilities.shape())) : probabilities;
        INDArray ctx = context.get((long) b * t, (long) heads * headSize);
        INDArray product = DeviceOps.product(used, v4, false, false);
        DeviceOps.rows(product, ctx);
        NativeMemory.free(product);
        // only a backward pass reads what the forward pass saved
        if (!pass.training()) freeSaved();
        this.mask = mask;
        Profiler.stop(Profiler.Section.ATTENTION, t0);
        return ctx;
    }

    /** The last masks uploaded on this thread: every layer of a pass shares its padding, so one upload serves them all. */
    private record Uploaded(AttentionMask mask, int window, boolean maskPaddedQueries, INDArray[] arrays) {
    }

    private static final ThreadLocal<Uploaded> LAST = new ThreadLocal<>();

    /**
     * {@code keep} (1 where a score stands, 0 where it is masked) and {@code fill} (0, or {@code -Float.MAX_VALUE}
     * where masked), {@code [B, 1, T, T]}: padded keys, keys outside the window, and padded queries' whole rows when
     * they are masked; and {@code [B, 1, T, 1]}, 0 for padded queries when they are masked. Uploaded once per pass.
     */
    private INDArray[] masks(AttentionMask mask) {
        Uploaded last = LAST.get();
        if (last != null && last.mask() == mask && last.window() == window && last.maskPaddedQueries() == maskPaddedQueries) {
            queryKeep = last.arrays()[2];
            return last.arrays();
        }
        INDArray[] arrays = upload(mask);
        LAST.set(new Uploaded(mask, window, maskPaddedQueries, arrays));
        queryKeep = arrays[2];
        return arrays;
    }

    private INDArray[] upload(AttentionMask mask) {
        int b = mask.batch(), t = mask.seq();
        float[] keep = new float[b * t * t], fill = new float[b * t * t], rows = new float[b * t];
        java.util.Arrays.fill(keep, 1f);
        java.util.Arrays.fill(rows, 1f);
        for (int r = 0; r < b; r++) {
            boolean[] padded = new boolean[t];
            for (int p : mask.padded()[r]) padded[p] = true;
            for (int i = 0; i < t; i++) {
                boolean wholeRow = maskPaddedQueries && padded[i];
                if (wholeRow) rows[r * t + i] = 0f;
                for (int j = 0; j < t; j++) {
                    if (wholeRow || padded[j] || Math.abs(i - j) > window) {
                        int at = (r * t + i) * t + j;
                        keep[at] = 0f;
                        fill[at] = AttentionMask.MASKED;
                    }
                }
            }
        }
        return new INDArray[]{DeviceOps.upload(keep, b, 1, t, t), DeviceOps.upload(fill, b, 1, t, t),
                maskPaddedQueries ? DeviceOps.upload(rows, b, 1, t, 1) : null};
    }

    @Override
    public void backward(INDArray dContext, Pass pass) {
        long t0 = Profiler.start();
        int b = mask.batch(), t = mask.seq();
        INDArray dC4 = DeviceOps.heads(dContext, b, t, heads, headSize);
        INDArray dV4 = DeviceOps.product(used, dC4, true, false);
        INDArray dP = DeviceOps.product(dC4, v4, false, true);                    // [B, nh, T, T]
        if (droppedOut) DeviceOps.multiply(dP, DeviceDropout.of(dropout).mask(dP.shape(), pass), dP);
        // softmax: dS = P ⊙ (dP - Σ_k dP_k·P_k), row by row
        INDArray weighted = dP.mul(probabilities), dot = weighted.sum(true, 3);
        INDArray dS = DeviceOps.multiply(probabilities, DeviceOps.subtract(dP, dot, dP), dP);
        // masked_fill's gradient is zero where it filled: a padded query's whole row
        if (queryKeep != null) DeviceOps.multiply(dS, queryKeep, dS);
        INDArray dQ4 = DeviceOps.product(dS, k4, false, false).muli(scale);
        INDArray dK4 = DeviceOps.product(dS, q4, true, false).muli(scale);
        if (positions != null) positions.backward(dS, q4, k4, dQ4, dK4, t);
        long rows = (long) b * t, h = (long) heads * headSize;
        DeviceOps.rows(dQ4, queryGradient.get(rows, h));
        DeviceOps.rows(dK4, keyGradient.get(rows, h));
        DeviceOps.rows(dV4, valueGradient.get(rows, h));
        NativeMemory.free(dC4, dV4, dP, weighted, dot, dQ4, dK4);
        Profiler.stop(Profiler.Section.ATTENTION, t0);
    }

    @Override
    public INDArray queryGradient() {
        return queryGradient.get((long) mask.batch() * mask.seq(), (long) heads * headSize);
    }

    @Override
    public INDArray keyGradient() {
        return keyGradient.get((long) mask.batch() * mask.seq(), (long) heads * headSize);
    }

    @Override
    public INDArray valueGradient() {
        return valueGradient.get((long) mask.batch() * mask.seq(), (long) heads * headSize);
    }

    /** Frees what the last forward pass saved for its backward pass. */
    private void freeSaved() {
        if (used != probabilities) NativeMemory.free(used);
        NativeMemory.free(q4, k4, v4, probabilities);
        q4 = k4 = v4 = probabilities = used = null;
    }

    @Override
    public void release() {
        for (Slot s : new Slot[]{context, queryGradient, keyGradient, valueGradient}) s.release();
        freeSaved();
        queryKeep = null;
    }
}

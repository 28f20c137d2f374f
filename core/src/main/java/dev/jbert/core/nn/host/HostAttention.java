package dev.jbert.core.nn.host;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.Slot;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * Multi-head scaled dot-product attention as transformers' eager attention computes it:
 * {@code softmax(Q·Kᵀ·scale + mask)}, dropout, times V, per batch row and head.
 *
 * <p>Q, K and V stay in the {@code [B·T, H]} layout the projections write; head h of row b is the {@code [T, hs]}
 * block at column {@code h·hs}, which a GEMM reads with leading dimension H, so heads are never split into a
 * {@code [B, nh, T, hs]} copy. The {@code B·nh} small products run in parallel, one single-threaded BLAS call
 * per block and thread: one call per product, threaded inside, spends more time starting threads than
 * multiplying at these sizes. Padded keys are masked block by block right after their product, while it is in
 * cache; the softmax is one native operation over all blocks; dropout and the softmax's backward pass run on
 * each block between the products that need it.
 */
final class HostAttention implements Kernels.AttentionKernel {

    /**
     * Terms added to each block's scaled scores before masking, with their own backward pass: DeBERTa's
     * disentangled position terms ({@link HostRelativePositions}). Blocks run in parallel; each call says which part of the work it runs in, so an
     * implementation can accumulate per part and combine the parts in order afterwards.
     */
    interface ScoreBias {

        /** Called before a forward pass's blocks with the queries and keys {@code [B·T, H]} they read. */
        void prepare(INDArray q, INDArray k, AttentionMask mask, int parts);

        /** Adds the terms of batch row {@code row}, head {@code head} into {@code scores}, {@code [T, T]} at {@code offset}. */
        void add(int part, int row, int head, FloatBuffer scores, int offset);

        /**
         * The terms' backward pass for the block's score gradient {@code dScores [T, T]}: adds into the block's
         * query and key gradients ({@code [T, hs]} at {@code qk} of {@code dq, dk [B·T, H]}) and accumulates its own.
         */
        void backward(int part, int row, int head, float[] dScores, FloatPointer dq, FloatPointer dk, long qk);

        /** Called after a backward pass's blocks, to combine what the parts accumulated. */
        void finish();
    }

    /**
     * At most this many score floats (256 MB) are held at once in inference: at 8,192 tokens one block of
     * {@code T²} scores is 256 MB, so a long sequence goes a head at a time instead of needing {@code B·nh·T²} floats
     * per layer.
     */
    private static final long INFERENCE_SCORES_FLOATS = 64L << 20;
    /** Queries per chunk of banded local attention. */
    static final int BAND_CHUNK = 128;
    /** Inference's score buffer, one per calling thread: a pass runs on one thread, and layers run one after another. */
    private static final ThreadLocal<Slot> SHARED_SCORES = ThreadLocal.withInitial(Slot::new);

    private final int heads;
    private final int headSize;
    private final int window;
    private final boolean maskPaddedQueries;
    private final ScoreBias bias;
    private final float scale;
    private final Dropout dropout;
    private final Slot probabilities = new Slot();   // [B, nh, T, T] after the softmax
    private final Slot dropped = new Slot();         // [B, nh, T, T] after dropout (training only)
    private final Slot context = new Slot();         // [B·T, H]
    private final Slot scoresGradient = new Slot();  // [B, nh, T, T]
    private final Slot queryGradient = new Slot(), keyGradient = new Slot(), valueGradient = new Slot();
    private INDArray query, key, value;              // [B·T, H] of the last forward pass
    private AttentionMask mask;
    private boolean droppedOut;

    HostAttention(int heads, int headSize, Dropout dropout, Kernels.AttentionOptions options) {
        this.heads = heads;
        this.headSize = headSize;
        this.window = options.window();
        this.maskPaddedQueries = options.maskPaddedQueries();
        this.bias = options.positions() == null ? null : HostRelativePositions.of(options.positions());
        this.scale = (float) options.scale();
        this.dropout = dropout;
    }

    /** {@code q, k, v [B·T, H]} → the context {@code [B·T, H]}, in this module's slot. */
    @Override
    public INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass) {
        int b = mask.batch(), t = mask.seq(), h = heads * headSize, blocks = b * heads;
        INDArray ctx = context.get((long) b * t, h);
        boolean keep = pass.training();
        if (!keep && bias == null && banded(t, window)) {
            banded(pointer(q), pointer(k), pointer(v), pointer(ctx), mask);
            query = q;
            key = k;
            value = v;
            this.mask = mask;
            return ctx;
        }
        // inference keeps no probabilities: blocks go through a buffer shared by all layers, a group at a time
        int group = keep ? blocks : (int) Math.max(1, Math.min(blocks, INFERENCE_SCORES_FLOATS / ((long) t * t)));
        FloatPointer qp = pointer(q), kp = pointer(k), vp = pointer(v), cp = pointer(ctx);
        if (bias != null) bias.prepare(q, k, mask, Parallel.partCount(blocks, 1));
        droppedOut = dropout.active(pass);
        for (int first = 0; first < blocks; first += group) {
            int n = Math.min(group, blocks - first), from = first;
            INDArray probs = keep ? probabilities.get(b, heads, t, t) : SHARED_SCORES.get().get(n, t, t);
            scores(qp, kp, probs, from, n, mask);
            long t0 = Profiler.start();
            Nd4j.exec(new SoftMax(probs, probs, probs.rank() - 1));
            Profiler.stop(Profiler.Section.SOFTMAX, t0);
            INDArray used = probs;
            if (droppedOut) {
                used = dropped.get(b, heads, t, t);
                dropout.apply(probs, used, pass);
            }
            FloatPointer up = pointer(used);
            int hs = headSize, nh = heads;
            t0 = Profiler.start();
            Gemms.singleThreaded(() -> Parallel.range(n, 1, (lo, hi) -> {
                for (int j = lo; j < hi; j++) {
                    int i = from + j, row = i / nh, head = i % nh;
                    long qk = (long) row * t * h + (long) head * hs, s = (long) j * t * t;
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, 1f, at(up, s), t, at(vp, qk), h, 0f, at(cp, qk), h);
                }
            }));
            Profiler.stop(Profiler.Section.ATTENTION, t0);
        }
        query = q;
        key = k;
        value = v;
        this.mask = mask;
        return ctx;
    }

    /** Whether local attention over {@code t} positions is cheaper by query chunks than over the whole {@code T×T}. */
    static boolean banded(int t, int window) {
        return window < t && BAND_CHUNK + 2L * window < t / 2;
    }

    /**
     * Local attention at inference, by chunks of {@link #BAND_CHUNK} queries against the keys their window reaches:
     * {@code c × (c + 2w)} scores per chunk instead of whole {@code T×T} rows of which all but {@code 2w + 1} are masked.
     * The softmax is taken over the chunk's unmasked scores in double precision. A query whose every key is masked
     * (a padded position farther than the window from any real token) gets the mean of all of V, as the masked
     * full row's uniform softmax gives it.
     */
    private void banded(FloatPointer qp, FloatPointer kp, FloatPointer vp, FloatPointer cp, AttentionMask mask) {
        int b = mask.batch(), t = mask.seq(), h = heads * headSize, hs = headSize, nh = heads, w = window;
        int widest = BAND_CHUNK + 2 * w;
        boolean[][] padded = new boolean[b][t];
        for (int r = 0; r < b; r++) for (int c : mask.padded()[r]) padded[r][c] = true;
        int parts = Parallel.partCount(b * nh, 1);
        INDArray[] scratch = new INDArray[parts];
        for (int p = 0; p < parts; p++) scratch[p] = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, (long) BAND_CHUNK * widest);
        float alpha = scale;
        long t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.parts(b * nh, 1, (part, from, to) -> {
            FloatPointer sp = pointer(scratch[part]);
            FloatBuffer sb = Floats.of(scratch[part]);
            float[] block = Floats.scratch(0, BAND_CHUNK * widest);
            for (int i = from; i < to; i++) {
                int row = i / nh, head = i % nh;
                long base = (long) row * t * h + (long) head * hs;
                double[] meanV = null;
                for (int q0 = 0; q0 < t; q0 += BAND_CHUNK) {
                    int q1 = Math.min(t, q0 + BAND_CHUNK), k0 = Math.max(0, q0 - w), k1 = Math.min(t, q1 + w), rows = q1 - q0, kw = k1 - k0;
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, kw, hs, alpha, at(qp, base + (long) q0 * h), h,
                            at(kp, base + (long) k0 * h), h, 0f, sp, kw);
                    sb.get(0, block, 0, rows * kw);
                    boolean[] none = new boolean[rows];
                    for (int r = 0; r < rows; r++) {
                        int query = q0 + r, lo = Math.max(k0, query - w), hi = Math.min(k1, query + w + 1), o = r * kw;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int c = lo; c < hi; c++) if (!padded[row][c]) max = Math.max(max, block[o + c - k0]);
                        if (max == Double.NEGATIVE_INFINITY) {
                            none[r] = true;
                            java.util.Arrays.fill(block, o, o + kw, 0f);
                            continue;
                        }
                        double sum = 0;
                        for (int c = k0; c < k1; c++) {
                            boolean on = c >= lo && c < hi && !padded[row][c];
                            double e = on ? Math.exp(block[o + c - k0] - max) : 0;
                            block[o + c - k0] = (float) e;
                            sum += e;
                        }
                        for (int c = 0; c < kw; c++) block[o + c] = (float) (block[o + c] / sum);
                    }
                    sb.put(0, block, 0, rows * kw);
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hs, kw, 1f, sp, kw, at(vp, base + (long) k0 * h), h, 0f,
                            at(cp, base + (long) q0 * h), h);
                    for (int r = 0; r < rows; r++) {
                        if (!none[r]) continue;
                        if (meanV == null) meanV = meanOfValues(vp, base, t, h, hs);
                        float[] out = new float[hs];
                        for (int d = 0; d < hs; d++) out[d] = (float) meanV[d];
                        at(cp, base + (long) (q0 + r) * h).put(out, 0, hs);
                    }
                }
            }
        }));
        Profiler.stop(Profiler.Section.ATTENTION, t0);
        for (INDArray a : scratch) a.close();
    }

    private static double[] meanOfValues(FloatPointer vp, long base, int t, int h, int hs) {
        double[] mean = new double[hs];
        float[] rowValues = new float[hs];
        for (int j = 0; j < t; j++) {
            at(vp, base + (long) j * h).get(rowValues, 0, hs);
            for (int d = 0; d < hs; d++) mean[d] += rowValues[d];
        }
        for (int d = 0; d < hs; d++) mean[d] /= t;
        return mean;
    }

    /** The masked, scaled (and biased) scores of blocks {@code [from, from + n)} into {@code out}, block j at {@code j·T·T}. */
    private void scores(FloatPointer qp, FloatPointer kp, INDArray out, int from, int n, AttentionMask mask) {
        int t = mask.seq(), h = heads * headSize, hs = headSize, nh = heads, w = window;
        FloatBuffer scores = Floats.of(out);
        FloatPointer sp = pointer(out);
        int[][] padded = mask.padded();
        float alpha = scale;
        boolean queries = maskPaddedQueries;
        float[] masked = new float[t];
        java.util.Arrays.fill(masked, AttentionMask.MASKED);
        long t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.parts(n, 1, (part, lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                int i = from + j, row = i / nh, head = i % nh;
                long qk = (long) row * t * h + (long) head * hs, s = (long) j * t * t;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, alpha, at(qp, qk), h, at(kp, qk), h, 0f, at(sp, s), t);
                if (bias != null) bias.add(part, row, head, scores, (int) s);
                int[] keys = padded[row];
                if (queries) for (int r : keys) scores.put((int) s + r * t, masked, 0, t);
                for (int r = 0; r < t && keys.length > 0; r++) {
                    int o = (int) s + r * t;
                    for (int c : keys) scores.put(o + c, AttentionMask.MASKED);
                }
                if (w < t - 1) {
                    for (int r = 0; r < t; r++) {
                        int o = (int) s + r * t, left = Math.max(0, r - w), right = Math.min(t, r + w + 1);
                        scores.put(o, masked, 0, left);
                        scores.put(o + right, masked, 0, t - right);
                    }
                }
            }
        }));
        Profiler.stop(Profiler.Section.ATTENTION, t0);
    }

    /**
     * The gradients of Q, K and V for the context's gradient {@code dCtx [B·T, H]}; read them with
     * {@link #queryGradient()}, {@link #keyGradient()} and {@link #valueGradient()}.
     */
    @Override
    public void backward(INDArray dCtx, Pass pass) {
        int b = mask.batch(), t = mask.seq(), h = heads * headSize, hs = headSize, nh = heads;
        INDArray probs = probabilities.get(b, heads, t, t);
        INDArray used = droppedOut ? dropped.get(b, heads, t, t) : probs;
        INDArray dScores = scoresGradient.get(b, heads, t, t);
        INDArray dq = queryGradient.get((long) b * t, h), dk = keyGradient.get((long) b * t, h), dv = valueGradient.get((long) b * t, h);
        FloatPointer qp = pointer(query), kp = pointer(key), vp = pointer(value), up = pointer(used), gp = pointer(dCtx);
        FloatPointer dsp = pointer(dScores), dqp = pointer(dq), dkp = pointer(dk), dvp = pointer(dv);
        FloatBuffer p = Floats.of(probs), ds = Floats.of(dScores);
        boolean drop = droppedOut, queries = maskPaddedQueries;
        int[][] padded = mask.padded();
        HostDropout masks = drop ? HostDropout.of(dropout) : null;
        int dropKey = drop ? masks.key(pass) : 0;
        float alpha = scale;
        long t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.parts(b * nh, 1, (part, from, to) -> {
            float[] grad = Floats.scratch(0, t * t), prob = Floats.scratch(1, t * t);
            for (int i = from; i < to; i++) {
                int row = i / nh, head = i % nh;
                long qk = (long) row * t * h + (long) head * hs, s = (long) i * t * t;
                // dP' = dC·Vᵀ and dV = P'ᵀ·dC
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, 1f, at(gp, qk), h, at(vp, qk), h, 0f, at(dsp, s), t);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, 1f, at(up, s), t, at(gp, qk), h, 0f, at(dvp, qk), h);
                ds.get((int) s, grad, 0, t * t);
                if (drop) masks.apply(grad, 0, t * t, (int) s, dropKey);
                p.get((int) s, prob, 0, t * t);
                // softmax: dS = P ⊙ (dP - Σ_k dP_k·P_k), row by row
                for (int r = 0; r < t; r++) {
                    int o = r * t;
                    float dot = 0;
                    for (int c = 0; c < t; c++) dot += grad[o + c] * prob[o + c];
                    for (int c = 0; c < t; c++) grad[o + c] = prob[o + c] * (grad[o + c] - dot);
                }
                // masked_fill's gradient is zero where it filled: a padded query's whole row
                if (queries) for (int r : padded[row]) java.util.Arrays.fill(grad, r * t, (r + 1) * t, 0f);
                ds.put((int) s, grad, 0, t * t);
                // dQ = dS·K·scale and dK = dSᵀ·Q·scale
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, alpha, at(dsp, s), t, at(kp, qk), h, 0f, at(dqp, qk), h);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, alpha, at(dsp, s), t, at(qp, qk), h, 0f, at(dkp, qk), h);
                if (bias != null) bias.backward(part, row, head, grad, dqp, dkp, qk);
            }
        }));
        if (bias != null) bias.finish();
        Profiler.stop(Profiler.Section.ATTENTION, t0);
    }

    @Override
    public INDArray queryGradient() {
        return queryGradient.get(query.size(0), (long) heads * headSize);
    }

    @Override
    public INDArray keyGradient() {
        return keyGradient.get(key.size(0), (long) heads * headSize);
    }

    @Override
    public INDArray valueGradient() {
        return valueGradient.get(value.size(0), (long) heads * headSize);
    }

    /** The native address of a contiguous float32 array, for BLAS calls on its blocks. */
    public static FloatPointer pointer(INDArray a) {
        Floats.of(a);
        return new FloatPointer(a.data().addressPointer());
    }

    /** A pointer {@code offset} floats past {@code base}; a new object, so threads never share a position. */
    public static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    @Override
    public void release() {
        for (Slot s : new Slot[]{probabilities, dropped, context, scoresGradient, queryGradient, keyGradient, valueGradient}) s.release();
        query = key = value = null;
    }
}

package dev.jbert.core.nn;

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
public final class ScaledDotProductAttention {

    private final int heads;
    private final int headSize;
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

    /**
     * @param dropout on the attention probabilities ({@code attention_probs_dropout_prob})
     */
    public ScaledDotProductAttention(int heads, int headSize, Dropout dropout) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = (float) (1.0 / Math.sqrt(headSize));
        this.dropout = dropout;
    }

    /** {@code q, k, v [B·T, H]} → the context {@code [B·T, H]}, in this module's slot. */
    public INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass) {
        int b = mask.batch(), t = mask.seq(), h = heads * headSize;
        INDArray probs = probabilities.get(b, heads, t, t);
        INDArray ctx = context.get((long) b * t, h);
        FloatBuffer scores = Floats.of(probs);
        FloatPointer qp = pointer(q), kp = pointer(k), vp = pointer(v), sp = pointer(probs), cp = pointer(ctx);
        int[][] padded = mask.padded();
        float alpha = scale;
        int hs = headSize, nh = heads;
        long t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.range(b * nh, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i / nh, head = i % nh;
                long qk = (long) row * t * h + (long) head * hs, s = (long) i * t * t;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, alpha, at(qp, qk), h, at(kp, qk), h, 0f, at(sp, s), t);
                int[] keys = padded[row];
                for (int r = 0; r < t && keys.length > 0; r++) {
                    int o = (int) s + r * t;
                    for (int c : keys) scores.put(o + c, AttentionMask.MASKED);
                }
            }
        }));
        Profiler.stop(Profiler.Section.ATTENTION, t0);
        t0 = Profiler.start();
        Nd4j.exec(new SoftMax(probs, probs, 3));
        Profiler.stop(Profiler.Section.SOFTMAX, t0);
        droppedOut = dropout.active(pass);
        INDArray used = probs;
        if (droppedOut) {
            used = dropped.get(b, heads, t, t);
            dropout.apply(probs, used, pass);
        }
        FloatPointer up = pointer(used);
        t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.range(b * nh, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i / nh, head = i % nh;
                long qk = (long) row * t * h + (long) head * hs, s = (long) i * t * t;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, 1f, at(up, s), t, at(vp, qk), h, 0f, at(cp, qk), h);
            }
        }));
        Profiler.stop(Profiler.Section.ATTENTION, t0);
        query = q;
        key = k;
        value = v;
        this.mask = mask;
        return ctx;
    }

    /**
     * The gradients of Q, K and V for the context's gradient {@code dCtx [B·T, H]}; read them with
     * {@link #queryGradient()}, {@link #keyGradient()} and {@link #valueGradient()}.
     */
    public void backward(INDArray dCtx, Pass pass) {
        int b = mask.batch(), t = mask.seq(), h = heads * headSize, hs = headSize, nh = heads;
        INDArray probs = probabilities.get(b, heads, t, t);
        INDArray used = droppedOut ? dropped.get(b, heads, t, t) : probs;
        INDArray dScores = scoresGradient.get(b, heads, t, t);
        INDArray dq = queryGradient.get((long) b * t, h), dk = keyGradient.get((long) b * t, h), dv = valueGradient.get((long) b * t, h);
        FloatPointer qp = pointer(query), kp = pointer(key), vp = pointer(value), up = pointer(used), gp = pointer(dCtx);
        FloatPointer dsp = pointer(dScores), dqp = pointer(dq), dkp = pointer(dk), dvp = pointer(dv);
        FloatBuffer p = Floats.of(probs), ds = Floats.of(dScores);
        boolean drop = droppedOut;
        int dropKey = drop ? dropout.key(pass) : 0;
        float alpha = scale;
        long t0 = Profiler.start();
        Gemms.singleThreaded(() -> Parallel.range(b * nh, 1, (from, to) -> {
            float[] grad = Floats.scratch(0, t * t), prob = Floats.scratch(1, t * t);
            for (int i = from; i < to; i++) {
                int row = i / nh, head = i % nh;
                long qk = (long) row * t * h + (long) head * hs, s = (long) i * t * t;
                // dP' = dC·Vᵀ and dV = P'ᵀ·dC
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, 1f, at(gp, qk), h, at(vp, qk), h, 0f, at(dsp, s), t);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, 1f, at(up, s), t, at(gp, qk), h, 0f, at(dvp, qk), h);
                ds.get((int) s, grad, 0, t * t);
                if (drop) dropout.apply(grad, 0, t * t, (int) s, dropKey);
                p.get((int) s, prob, 0, t * t);
                // softmax: dS = P ⊙ (dP - Σ_k dP_k·P_k), row by row
                for (int r = 0; r < t; r++) {
                    int o = r * t;
                    float dot = 0;
                    for (int c = 0; c < t; c++) dot += grad[o + c] * prob[o + c];
                    for (int c = 0; c < t; c++) grad[o + c] = prob[o + c] * (grad[o + c] - dot);
                }
                ds.put((int) s, grad, 0, t * t);
                // dQ = dS·K·scale and dK = dSᵀ·Q·scale
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, alpha, at(dsp, s), t, at(kp, qk), h, 0f, at(dqp, qk), h);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, alpha, at(dsp, s), t, at(qp, qk), h, 0f, at(dkp, qk), h);
            }
        }));
        Profiler.stop(Profiler.Section.ATTENTION, t0);
    }

    public INDArray queryGradient() {
        return queryGradient.get(query.size(0), (long) heads * headSize);
    }

    public INDArray keyGradient() {
        return keyGradient.get(key.size(0), (long) heads * headSize);
    }

    public INDArray valueGradient() {
        return valueGradient.get(value.size(0), (long) heads * headSize);
    }

    private static FloatPointer pointer(INDArray a) {
        Floats.of(a);
        return new FloatPointer(a.data().addressPointer());
    }

    /** A pointer {@code offset} floats past {@code base}; a new object, so threads never share a position. */
    private static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    /** Frees the native memory of this module's slots. */
    public void release() {
        for (Slot s : new Slot[]{probabilities, dropped, context, scoresGradient, queryGradient, keyGradient, valueGradient}) s.release();
        query = key = value = null;
    }
}

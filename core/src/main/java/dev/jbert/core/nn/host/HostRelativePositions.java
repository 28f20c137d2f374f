package dev.jbert.core.nn.host;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Slot;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

import static dev.jbert.core.nn.host.HostAttention.at;
import static dev.jbert.core.nn.host.HostAttention.pointer;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * The c2p and p2c terms of one layer as attention adds them block by block. Forward, block (b, h) multiplies
 * its queries by the projected position keys ({@code [T, hs]·[hs, 2S]}) and gathers column {@code δ(i, j)} of
 * row i; its keys by the projected position queries, gathering column {@code δ(i, j)} of row j. Backward
 * scatters the score gradient back into {@code [T, 2S]} and multiplies it out into the query, key and position
 * gradients, the latter accumulated per part of the parallel loop and summed in part order.
 */
final class HostRelativePositions implements Kernels.RelativePositionKernel, HostAttention.ScoreBias {

    /** The host terms of a kernel of this set. */
    static HostRelativePositions of(Kernels.RelativePositionKernel kernel) {
        if (kernel instanceof HostRelativePositions h) return h;
        throw new IllegalArgumentException("host attention was given position terms of the " + kernel.getClass().getSimpleName()
                + " set: a model's modules must come from one kernel set");
    }

    private final int heads;
    private final int headSize;
    private final float scale;
    private INDArray positionKey, positionQuery;          // [2S, H], either null when its term is off
    private int[] index;                                    // [T·T]: δ(i, j)
    private FloatPointer qp, kp, pkp, pqp;
    private int seq, span2, width;
    private INDArray[] scratch = new INDArray[0];           // per part: [T, 2S] products
    private INDArray[] keyParts = new INDArray[0], queryParts = new INDArray[0];
    private boolean[] touched = new boolean[0];
    private final Slot keyGradient = new Slot(), queryGradient = new Slot();

    HostRelativePositions(int heads, int headSize, float scale) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = scale;
    }

    @Override
    public void positions(INDArray positionKey, INDArray positionQuery, int[] index) {
        this.positionKey = positionKey;
        this.positionQuery = positionQuery;
        this.index = index;
    }

    @Override
    public void prepare(INDArray q, INDArray k, AttentionMask mask, int parts) {
        seq = mask.seq();
        width = heads * headSize;
        span2 = (int) (positionKey != null ? positionKey : positionQuery).size(0);
        qp = pointer(q);
        kp = pointer(k);
        pkp = positionKey == null ? null : pointer(positionKey);
        pqp = positionQuery == null ? null : pointer(positionQuery);
        if (scratch.length < parts || scratch[0].length() < (long) seq * span2) {
            scratch = new INDArray[parts];
            for (int p = 0; p < parts; p++) scratch[p] = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, (long) seq * span2);
        }
        if (keyParts.length != parts || keyParts[0].length() != (long) span2 * width) {
            keyParts = new INDArray[parts];
            queryParts = new INDArray[parts];
            for (int p = 0; p < parts; p++) {
                keyParts[p] = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, span2, width);
                queryParts[p] = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, span2, width);
            }
        }
        touched = new boolean[parts];
    }

    @Override
    public void add(int part, int row, int head, FloatBuffer scores, int offset) {
        int t = seq, r2 = span2, h = width;
        long qk = (long) row * t * h + (long) head * headSize;
        float[] block = Floats.scratch(4, t * t);
        scores.get(offset, block, 0, t * t);
        float[] c2p = positionKey == null ? null : product(part, qp, qk, pkp, head, 2);
        float[] p2c = positionQuery == null ? null : product(part, kp, qk, pqp, head, 3);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                int d = index[i * t + j];
                float v = 0;
                if (c2p != null) v += c2p[i * r2 + d] / scale;
                if (p2c != null) v += p2c[j * r2 + d] / scale;
                block[i * t + j] += v;
            }
        }
        scores.put(offset, block, 0, t * t);
    }

    /** {@code rows [T, hs]} of the block times the head's projected positions transposed: {@code [T, 2S]} on the heap. */
    private float[] product(int part, FloatPointer rows, long qk, FloatPointer positions, int head, int slot) {
        int t = seq, r2 = span2, h = width;
        INDArray out = scratch[part];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, r2, headSize, 1f, at(rows, qk), h, at(positions, (long) head * headSize), h,
                0f, pointer(out), r2);
        float[] heap = Floats.scratch(slot, t * r2);
        Floats.of(out).get(0, heap, 0, t * r2);
        return heap;
    }

    @Override
    public void backward(int part, int row, int head, float[] dScores, FloatPointer dq, FloatPointer dk, long qk) {
        if (!touched[part]) {
            keyParts[part].assign(0);
            queryParts[part].assign(0);
            touched[part] = true;
        }
        long columns = (long) head * headSize;
        if (positionKey != null) termBackward(part, dScores, true, pkp, qp, dq, keyParts[part], qk, columns);
        if (positionQuery != null) termBackward(part, dScores, false, pqp, kp, dk, queryParts[part], qk, columns);
    }

    /**
     * One term's backward pass for a block: its score gradient gathered by relative position
     * ({@code [T, 2S]}) times the projected positions into the rows' gradient (queries for c2p, keys for p2c),
     * and transposed times the rows into the positions' gradient of this part.
     */
    private void termBackward(int part, float[] dScores, boolean byQuery, FloatPointer positions, FloatPointer rows,
                              FloatPointer dRows, INDArray dPositions, long qk, long columns) {
        int t = seq, r2 = span2, h = width;
        INDArray gathered = scratch[part];
        Floats.of(gathered).put(0, scattered(dScores, byQuery), 0, t * r2);
        FloatPointer gp = pointer(gathered);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, headSize, r2, 1f, gp, r2, at(positions, columns), h, 1f, at(dRows, qk), h);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r2, headSize, t, 1f, gp, r2, at(rows, qk), h, 1f,
                at(pointer(dPositions), columns), h);
    }

    /**
     * The score gradient summed by relative position, divided by the scale: per query row i for c2p
     * ({@code [T, 2S]}, column δ(i, j)), per key row j for p2c.
     */
    private float[] scattered(float[] dScores, boolean byQuery) {
        int t = seq, r2 = span2;
        float[] out = Floats.scratch(5, t * r2);
        java.util.Arrays.fill(out, 0, t * r2, 0f);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                int d = index[i * t + j];
                out[(byQuery ? i : j) * r2 + d] += dScores[i * t + j] / scale;
            }
        }
        return out;
    }

    @Override
    public void finish() {
        if (positionKey != null) keyGradient.zeros(span2, width);
        if (positionQuery != null) queryGradient.zeros(span2, width);
        for (int p = 0; p < touched.length; p++) {
            if (!touched[p]) continue;
            if (positionKey != null) keyGradient.get(span2, width).addi(keyParts[p]);
            if (positionQuery != null) queryGradient.get(span2, width).addi(queryParts[p]);
        }
    }

    @Override
    public INDArray positionKeyGradient() {
        return keyGradient.get(span2, width);
    }

    @Override
    public INDArray positionQueryGradient() {
        return queryGradient.get(span2, width);
    }

    @Override
    public void release() {
        keyGradient.release();
        queryGradient.release();
        scratch = new INDArray[0];
        keyParts = queryParts = new INDArray[0];
    }
}

package dev.jbert.core.nn.device;

import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DeBERTa's c2p and p2c terms as batched products, a gather and segment sums. Per head, the queries times the
 * projected position keys give {@code [B·T, 2S]} scores, of which query i keeps column {@code δ(i, j)} for key j;
 * the keys times the projected position queries likewise, key j keeping column {@code δ(i, j)} for query i. The
 * backward pass sums the score gradient back into those columns with a segment sum (a scatter-add races on a GPU)
 * and multiplies it out. The gather's flat indices depend on the batch size and length only, and are kept.
 */
final class DeviceRelativePositions implements Kernels.RelativePositionKernel {

    private final int heads;
    private final int headSize;
    private final float scale;
    private final Slot keyGradient = new Slot(), queryGradient = new Slot();
    private INDArray positionKey, positionQuery;   // [2S, H], either null when its term is off
    private int[] index;                            // [T·T]: δ(i, j)
    private INDArray byQuery, byKey;                // [B·nh·T·T] flat indices of the c2p and p2c columns
    private int indexedBatch = -1, indexedSeq = -1;
    private int[] indexedFrom;

    DeviceRelativePositions(int heads, int headSize, float scale) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = scale;
    }

    /** The device terms of a kernel of this set. */
    static DeviceRelativePositions of(Kernels.RelativePositionKernel kernel) {
        if (kernel instanceof DeviceRelativePositions d) return d;
        throw new IllegalArgumentException("device attention was given position terms of the " + kernel.getClass().getSimpleName()
                + " set: a model's modules must come from one kernel set");
    }

    @Override
    public void positions(INDArray positionKey, INDArray positionQuery, int[] index) {
        this.positionKey = positionKey;
        this.positionQuery = positionQuery;
        this.index = index;
    }

    private int span2() {
        return (int) (positionKey != null ? positionKey : positionQuery).size(0);
    }

    /** {@code [2S, H]} positions as {@code [nh, 2S, hs]}. */
    private INDArray perHead(INDArray positions) {
        return positions.reshape('c', span2(), heads, headSize).permute(1, 0, 2).dup('c');
    }

    /** {@code [B, nh, T, hs]} as {@code [nh, B·T, hs]}. */
    private INDArray byHead(INDArray x4) {
        long b = x4.size(0), t = x4.size(2);
        return x4.permute(1, 0, 2, 3).dup('c').reshape('c', heads, b * t, headSize);
    }

    /** Adds both terms, divided by the scale, into {@code scores [B, nh, T, T]}. */
    void addTo(INDArray scores, INDArray q4, INDArray k4, int seq) {
        int b = (int) q4.size(0);
        indices(b, seq);
        if (positionKey != null) {
            INDArray c2p = DeviceOps.product(byHead(q4), perHead(positionKey), false, true);     // [nh, B·T, 2S]
            scores.addi(DeviceOps.gather(c2p.reshape(-1), byQuery).reshape(scores.shape()).divi(scale));
        }
        if (positionQuery != null) {
            INDArray p2c = DeviceOps.product(byHead(k4), perHead(positionQuery), false, true);
            scores.addi(DeviceOps.gather(p2c.reshape(-1), byKey).reshape(scores.shape()).divi(scale));
        }
    }

    /**
     * The terms' backward pass for the scores' gradient {@code dS [B, nh, T, T]}: adds into the queries' and keys'
     * gradients {@code [B, nh, T, hs]} and leaves the positions' gradients for {@link #positionKeyGradient()} and
     * {@link #positionQueryGradient()}.
     */
    void backward(INDArray dS, INDArray q4, INDArray k4, INDArray dQ4, INDArray dK4, int seq) {
        int b = (int) q4.size(0), span2 = span2();
        INDArray scaled = dS.div(scale).reshape(-1);
        int segments = heads * b * seq * span2;
        if (positionKey != null) {
            INDArray g = DeviceOps.segmentSum(scaled, byQuery, segments).reshape('c', heads, (long) b * seq, span2);
            INDArray rows = DeviceOps.product(g, perHead(positionKey), false, false);           // [nh, B·T, hs]
            dQ4.addi(rows.reshape('c', heads, b, seq, headSize).permute(1, 0, 2, 3));
            keyGradient.get(span2, (long) heads * headSize).assign(positionsGradient(g, byHead(q4)));
        }
        if (positionQuery != null) {
            INDArray g = DeviceOps.segmentSum(scaled, byKey, segments).reshape('c', heads, (long) b * seq, span2);
            INDArray rows = DeviceOps.product(g, perHead(positionQuery), false, false);
            dK4.addi(rows.reshape('c', heads, b, seq, headSize).permute(1, 0, 2, 3));
            queryGradient.get(span2, (long) heads * headSize).assign(positionsGradient(g, byHead(k4)));
        }
    }

    /** {@code gᵀ·rows} per head, {@code [nh, 2S, hs]}, as {@code [2S, H]}. */
    private INDArray positionsGradient(INDArray g, INDArray rows) {
        return DeviceOps.product(g, rows, true, false).permute(1, 0, 2).dup('c').reshape('c', span2(), (long) heads * headSize);
    }

    /**
     * The flat positions, in the {@code [nh, B·T, 2S]} products, of each score's column: for score (b, h, i, j),
     * {@code ((h·B + b)·T + i)·2S + δ(i, j)} for c2p and the same with j for p2c.
     */
    private void indices(int batch, int seq) {
        if (batch == indexedBatch && seq == indexedSeq && index == indexedFrom) return;
        int span2 = span2(), n = batch * heads * seq * seq;
        int[] c2p = new int[n], p2c = new int[n];
        int at = 0;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int base = (h * batch + b) * seq;
                for (int i = 0; i < seq; i++) {
                    for (int j = 0; j < seq; j++, at++) {
                        int d = index[i * seq + j];
                        c2p[at] = (base + i) * span2 + d;
                        p2c[at] = (base + j) * span2 + d;
                    }
                }
            }
        }
        byQuery = DeviceOps.upload(c2p);
        byKey = DeviceOps.upload(p2c);
        indexedBatch = batch;
        indexedSeq = seq;
        indexedFrom = index;
    }

    @Override
    public INDArray positionKeyGradient() {
        return keyGradient.get(span2(), (long) heads * headSize);
    }

    @Override
    public INDArray positionQueryGradient() {
        return queryGradient.get(span2(), (long) heads * headSize);
    }

    @Override
    public void release() {
        keyGradient.release();
        queryGradient.release();
        byQuery = byKey = null;
        indexedBatch = indexedSeq = -1;
    }
}

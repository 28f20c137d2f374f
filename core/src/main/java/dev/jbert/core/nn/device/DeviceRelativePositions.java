package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
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
        if (positionKey != null) addTerm(scores, byHead(q4), perHead(positionKey), byQuery);
        if (positionQuery != null) addTerm(scores, byHead(k4), perHead(positionQuery), byKey);
    }

    /** {@code scores += gather(rows·positionsᵀ, at) / scale}; frees what it made. */
    private void addTerm(INDArray scores, INDArray rows, INDArray positions, INDArray at) {
        INDArray products = DeviceOps.product(rows, positions, false, true);                    // [nh, B·T, 2S]
        INDArray picked = DeviceOps.gather(products.reshape(-1), at);
        scores.addi(picked.reshape(scores.shape()).divi(scale));
        NativeMemory.free(rows, positions, products, picked);
    }

    /**
     * The terms' backward pass for the scores' gradient {@code dS [B, nh, T, T]}: adds into the queries' and keys'
     * gradients {@code [B, nh, T, hs]} and leaves the positions' gradients for {@link #positionKeyGradient()} and
     * {@link #positionQueryGradient()}.
     */
    void backward(INDArray dS, INDArray q4, INDArray k4, INDArray dQ4, INDArray dK4, int seq) {
        int b = (int) q4.size(0), span2 = span2();
        INDArray divided = dS.div(scale), scaled = divided.reshape(-1);
        int segments = heads * b * seq * span2;
        if (positionKey != null) termBackward(scaled, byQuery, segments, positionKey, q4, dQ4, keyGradient, b, seq);
        if (positionQuery != null) termBackward(scaled, byKey, segments, positionQuery, k4, dK4, queryGradient, b, seq);
        NativeMemory.free(divided);
    }

    /**
     * One term's backward pass: the score gradient summed into its columns ({@code g}, {@code [nh, B·T, 2S]}), times
     * the positions into the rows' gradient, and transposed times the rows into the positions' gradient.
     */
    private void termBackward(INDArray scaled, INDArray at, int segments, INDArray positions, INDArray rows4, INDArray dRows4,
                              Slot positionsGradient, int b, int seq) {
        int span2 = span2();
        INDArray sums = DeviceOps.segmentSum(scaled, at, segments), g = sums.reshape('c', heads, (long) b * seq, span2);
        INDArray perHead = perHead(positions), rows = byHead(rows4);
        INDArray dRows = DeviceOps.product(g, perHead, false, false);                             // [nh, B·T, hs]
        dRows4.addi(dRows.reshape('c', heads, b, seq, headSize).permute(1, 0, 2, 3));
        INDArray dPositions = DeviceOps.product(g, rows, true, false);                           // [nh, 2S, hs]
        INDArray ordered = dPositions.permute(1, 0, 2).dup('c');
        positionsGradient.get(span2, (long) heads * headSize).assign(ordered.reshape('c', span2, (long) heads * headSize));
        NativeMemory.free(sums, perHead, rows, dRows, dPositions, ordered);
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

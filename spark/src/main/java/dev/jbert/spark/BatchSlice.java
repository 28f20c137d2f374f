package dev.jbert.spark;

import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.ReadBack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of a batch, in a form that serialises without ND4J, for a partition's task. */
record BatchSlice(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, long[] labelShape, int[] intLabels,
                  float[] floatLabels, float[] exampleWeights) implements Serializable {

    /**
     * The batch cut into {@code parts} contiguous slices, the first {@code n % parts} one row longer; when the batch
     * has fewer rows than parts, the last slices are empty.
     */
    static List<BatchSlice> split(Batch batch, int parts) {
        List<BatchSlice> slices = new ArrayList<>();
        int n = batch.size();
        for (int k = 0, from = 0; k < parts; k++) {
            int to = from + n / parts + (k < n % parts ? 1 : 0);
            slices.add(of(batch, from, to));
            from = to;
        }
        return slices;
    }

    private static BatchSlice of(Batch batch, int from, int to) {
        if (from == to) return new BatchSlice(new int[0][], new int[0][], new int[0][], null, null, null, null);
        INDArray labels = batch.labels().get(NDArrayIndex.interval(from, to)).dup();
        boolean integral = labels.dataType().isIntType();
        return new BatchSlice(Arrays.copyOfRange(batch.inputIds(), from, to), Arrays.copyOfRange(batch.tokenTypeIds(), from, to),
                Arrays.copyOfRange(batch.attentionMask(), from, to), labels.shape(),
                integral ? ReadBack.ints(labels, ReadBack.Use.LABELS) : null,
                integral ? null : ReadBack.floats(labels, ReadBack.Use.LABELS),
                batch.exampleWeights() == null ? null : Arrays.copyOfRange(batch.exampleWeights(), from, to));
    }

    boolean isEmpty() {
        return inputIds.length == 0;
    }

    Batch batch() {
        if (isEmpty()) throw new IllegalStateException("an empty slice has no batch");
        INDArray labels = intLabels != null ? Nd4j.createFromArray(intLabels).reshape(labelShape)
                : Nd4j.createFromArray(floatLabels).reshape(labelShape);
        return new Batch(inputIds, tokenTypeIds, attentionMask, labels, exampleWeights);
    }

    /**
     * The dropout seed of slice {@code k} of a micro-batch whose seed is {@code seed}: slice 0 keeps it, so that one
     * partition trains exactly as one JVM; the others draw from a mix of both.
     */
    static long dropoutSeed(long seed, int k) {
        if (k == 0) return seed;
        long h = seed + 0x9E3779B97F4A7C15L * (k + 1);
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}

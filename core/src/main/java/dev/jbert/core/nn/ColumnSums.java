package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Sums over the rows of a matrix, added into a vector: a bias's gradient. Each thread sums its rows in double;
 * the parts are added in order, so the result does not depend on timing.
 */
public final class ColumnSums {

    private ColumnSums() {
    }

    /** {@code target[j] += Σ_r a[r, j]}; {@code a} is {@code [R, C]}, {@code target} has C elements. */
    public static void addTo(INDArray a, INDArray target) {
        int rows = (int) a.size(0), cols = (int) a.size(1);
        if (target.length() != cols) {
            throw new IllegalArgumentException("column sums of a [" + rows + ", " + cols + "] matrix into " + target.length() + " elements");
        }
        FloatBuffer src = Floats.of(a);
        int grain = Math.max(1, Floats.CHUNK / Math.max(1, cols));
        double[][] partial = new double[Parallel.partCount(rows, grain)][cols];
        Parallel.parts(rows, grain, (part, from, to) -> {
            double[] acc = partial[part];
            float[] row = Floats.scratch(0, cols);
            for (int r = from; r < to; r++) {
                src.get(r * cols, row, 0, cols);
                for (int j = 0; j < cols; j++) acc[j] += row[j];
            }
        });
        FloatBuffer dst = Floats.of(target);
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (double[] p : partial) sum += p[j];
            dst.put(j, dst.get(j) + (float) sum);
        }
    }
}

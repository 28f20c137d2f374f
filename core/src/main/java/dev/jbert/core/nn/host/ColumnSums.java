package dev.jbert.core.nn.host;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Sums over the rows of a matrix, added into a vector: a bias's gradient. Rows are added in float in blocks of
 * {@link Partials#BLOCK} (a loop the JIT vectorises) and the blocks in double; each thread keeps its own sums and
 * the threads' are added in order, so the result does not depend on timing.
 */
public final class ColumnSums {

    private ColumnSums() {
    }

    /**
     * {@code target[j] += Σ_r a[r, j]}; {@code a} is {@code [R, C]}, {@code target} has C elements.
     *
     * @param a      {@code [R, C]}
     * @param target {@code [C]}, accumulated into
     */
    public static void addTo(INDArray a, INDArray target) {
        int rows = (int) a.size(0), cols = (int) a.size(1);
        if (target.length() != cols) {
            throw new IllegalArgumentException("column sums of a [" + rows + ", " + cols + "] matrix into " + target.length() + " elements");
        }
        FloatBuffer src = Floats.of(a);
        int grain = Math.max(1, Floats.CHUNK / Math.max(1, cols));
        Partials sums = new Partials(Parallel.partCount(rows, grain), cols);
        Parallel.parts(rows, grain, (part, from, to) -> {
            float[] row = Floats.scratch(0, cols);
            for (int r = from; r < to; r++) {
                src.get(r * cols, row, 0, cols);
                sums.add(part, row);
            }
        });
        sums.addTo(target);
    }

    /**
     * Column sums kept per part of a {@link Parallel#parts} split; a width of 0 keeps nothing. Not thread-safe as a
     * whole: each part's sums are written only by that part's thread, and {@link #addTo} runs once the split has
     * returned.
     */
    public static final class Partials {
        static final int BLOCK = 64;
        private final float[][] block;
        private final double[][] total;
        private final int[] rows;
        private final int width;

        /**
         * Zeroed sums for a split into {@code parts} parts.
         *
         * @param parts the parts of the split, {@link Parallel#partCount}
         * @param width the columns summed
         */
        public Partials(int parts, int width) {
            this.width = width;
            this.block = new float[parts][width];
            this.total = new double[parts][width];
            this.rows = new int[parts];
        }

        /**
         * Adds one row of {@code width} values to part {@code part}'s sums; only that part's thread may call.
         *
         * @param part the part's index
         * @param row  at least {@code width} values
         */
        public void add(int part, float[] row) {
            float[] b = block[part];
            for (int j = 0; j < width; j++) b[j] += row[j];
            if (++rows[part] == BLOCK) flush(part);
        }

        private void flush(int part) {
            float[] b = block[part];
            double[] t = total[part];
            for (int j = 0; j < width; j++) {
                t[j] += b[j];
                b[j] = 0f;
            }
            rows[part] = 0;
        }

        /**
         * Adds every part's sums, in part order, into {@code target}.
         *
         * @param target {@code [width]}, accumulated into
         */
        public void addTo(INDArray target) {
            if (width == 0) return;
            for (int p = 0; p < total.length; p++) flush(p);
            FloatBuffer t = Floats.of(target);
            for (int j = 0; j < width; j++) {
                double sum = 0;
                for (double[] part : total) sum += part[j];
                t.put(j, t.get(j) + (float) sum);
            }
        }
    }
}

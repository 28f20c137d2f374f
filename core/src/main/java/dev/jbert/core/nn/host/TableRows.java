package dev.jbert.core.nn.host;

import dev.jbert.core.nn.Profiler;

import dev.jbert.core.nn.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Embedding lookups as row copies, and their gradients as row additions: {@code nn.Embedding}'s forward and
 * backward. The backward pass splits the table's columns between threads, so that rows repeated in a batch
 * (the [CLS] id in every sequence) are added by one thread each, in order, without locks.
 */
public final class TableRows {

    private TableRows() {
    }

    /**
     * {@code out[r, :] = Σ_k lookups[k].table[lookups[k].row(r), :]}, added in the order given, in one pass over
     * {@code out}.
     *
     * @param out     {@code [B·T, W]}, overwritten
     * @param lookups the tables and their rows, all of width {@code W}
     */
    public static void sum(INDArray out, List<Kernels.Lookup> lookups) {
        int rows = (int) out.size(0), h = (int) out.size(1);
        FloatBuffer dst = Floats.of(out);
        FloatBuffer[] src = new FloatBuffer[lookups.size()];
        for (int k = 0; k < lookups.size(); k++) {
            if (lookups.get(k).table().size(1) != h) {
                throw new IllegalArgumentException("a table of width " + lookups.get(k).table().size(1) + " summed into rows of " + h);
            }
            src[k] = Floats.of(lookups.get(k).table());
        }
        long t = Profiler.start();
        Parallel.range(rows, Math.max(1, Floats.CHUNK / h), (from, to) -> {
            float[] acc = Floats.scratch(0, h), row = Floats.scratch(1, h);
            for (int r = from; r < to; r++) {
                for (int k = 0; k < lookups.size(); k++) {
                    int id = lookups.get(k).row(r), tableRows = (int) lookups.get(k).table().size(0);
                    if (id < 0 || id >= tableRows) {
                        throw new IllegalArgumentException("id " + id + " at position " + r + " is outside the table's " + tableRows + " rows");
                    }
                    src[k].get(id * h, k == 0 ? acc : row, 0, h);
                    if (k > 0) for (int j = 0; j < h; j++) acc[j] += row[j];
                }
                dst.put(r * h, acc, 0, h);
            }
        });
        Profiler.stop(Profiler.Section.EMBEDDINGS, t);
    }

    /**
     * {@code gradient[ids[r], :] += rows[r, :]} for every row r whose id is not {@code skip} (the padding row,
     * which {@code nn.Embedding(padding_idx)} never updates; -1 skips none); null ids mean {@code r % period}.
     *
     * @param rows     the gradient of the looked-up rows, {@code [N, W]}
     * @param ids      the table row of each row, or null
     * @param period   the period of the row ids when {@code ids} is null
     * @param skip     the id whose rows are left out, or -1
     * @param gradient the table's gradient {@code [rows, W]}, accumulated into
     */
    public static void scatterAdd(INDArray rows, int[] ids, int period, int skip, INDArray gradient) {
        int n = (int) rows.size(0), h = (int) rows.size(1);
        FloatBuffer src = Floats.of(rows), dst = Floats.of(gradient);
        long t = Profiler.start();
        Parallel.range(h, 16, (c0, c1) -> {
            int w = c1 - c0;
            float[] acc = Floats.scratch(0, w), row = Floats.scratch(1, w);
            for (int r = 0; r < n; r++) {
                int id = ids == null ? r % period : ids[r];
                if (id == skip) continue;
                dst.get(id * h + c0, acc, 0, w);
                src.get(r * h + c0, row, 0, w);
                for (int j = 0; j < w; j++) acc[j] += row[j];
                dst.put(id * h + c0, acc, 0, w);
            }
        });
        Profiler.stop(Profiler.Section.EMBEDDINGS, t);
    }
}

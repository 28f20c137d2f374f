package dev.jbert.core.nn.host;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/** The first token's row of every sequence in {@code [B·T, H]} hidden states, and its gradient's way back. */
public final class FirstToken {

    private FirstToken() {
    }

    /**
     * {@code first[b] = hidden[b·seq]}.
     *
     * @param hidden the hidden states {@code [B·seq, H]}
     * @param first  {@code [B, H]}, overwritten
     * @param seq    the padded sequence length
     */
    public static void gather(INDArray hidden, INDArray first, int seq) {
        int batch = (int) first.size(0), h = (int) first.size(1);
        FloatBuffer src = Floats.of(hidden), dst = Floats.of(first);
        float[] row = new float[h];
        for (int b = 0; b < batch; b++) {
            src.get(b * seq * h, row, 0, h);
            dst.put(b * h, row, 0, h);
        }
    }

    /**
     * {@code dHidden[b·seq] += dFirst[b]}.
     *
     * @param dFirst  the first tokens' gradient {@code [B, H]}
     * @param dHidden the hidden states' gradient {@code [B·seq, H]}, accumulated into
     * @param seq     the padded sequence length
     */
    public static void addTo(INDArray dFirst, INDArray dHidden, int seq) {
        int batch = (int) dFirst.size(0), h = (int) dFirst.size(1);
        FloatBuffer src = Floats.of(dFirst), dst = Floats.of(dHidden);
        float[] row = new float[h], acc = new float[h];
        for (int b = 0; b < batch; b++) {
            src.get(b * h, row, 0, h);
            dst.get(b * seq * h, acc, 0, h);
            for (int j = 0; j < h; j++) acc[j] += row[j];
            dst.put(b * seq * h, acc, 0, h);
        }
    }
}

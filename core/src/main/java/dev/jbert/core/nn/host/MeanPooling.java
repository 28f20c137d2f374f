package dev.jbert.core.nn.host;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The mean of each sequence's unpadded rows of {@code [B·T, H]} hidden states, as ModernBERT's
 * {@code classifier_pooling="mean"} computes it ({@code (h·mask).sum(1) / mask.sum(1)}), and its gradient's way back.
 */
public final class MeanPooling {

    private MeanPooling() {
    }

    /**
     * {@code pooled[b] = Σ_t mask[b][t]·hidden[b·T + t] / Σ_t mask[b][t]}.
     *
     * @param hidden        the hidden states {@code [B·T, H]}
     * @param attentionMask {@code [B][T]}, 1 for real tokens and 0 for padding
     * @param pooled        {@code [B, H]}, overwritten
     */
    public static void pool(INDArray hidden, int[][] attentionMask, INDArray pooled) {
        int batch = (int) pooled.size(0), h = (int) pooled.size(1), seq = attentionMask[0].length;
        FloatBuffer src = Floats.of(hidden), dst = Floats.of(pooled);
        float[] row = new float[h], sum = new float[h];
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(sum, 0f);
            float count = 0;
            for (int t = 0; t < seq; t++) {
                if (attentionMask[b][t] == 0) continue;
                count += attentionMask[b][t];
                src.get((b * seq + t) * h, row, 0, h);
                for (int j = 0; j < h; j++) sum[j] += row[j] * attentionMask[b][t];
            }
            for (int j = 0; j < h; j++) sum[j] /= count;
            dst.put(b * h, sum, 0, h);
        }
    }

    /**
     * {@code dHidden[b·T + t] += mask[b][t]·dPooled[b] / Σ_t mask[b][t]}.
     *
     * @param dPooled       the pooled states' gradient {@code [B, H]}
     * @param attentionMask {@code [B][T]}, 1 for real tokens and 0 for padding
     * @param dHidden       the hidden states' gradient {@code [B·T, H]}, accumulated into
     */
    public static void addTo(INDArray dPooled, int[][] attentionMask, INDArray dHidden) {
        int batch = (int) dPooled.size(0), h = (int) dPooled.size(1), seq = attentionMask[0].length;
        FloatBuffer src = Floats.of(dPooled), dst = Floats.of(dHidden);
        float[] row = new float[h], acc = new float[h];
        for (int b = 0; b < batch; b++) {
            float count = 0;
            for (int t = 0; t < seq; t++) count += attentionMask[b][t];
            src.get(b * h, row, 0, h);
            for (int t = 0; t < seq; t++) {
                if (attentionMask[b][t] == 0) continue;
                float w = attentionMask[b][t] / count;
                dst.get((b * seq + t) * h, acc, 0, h);
                for (int j = 0; j < h; j++) acc[j] += row[j] * w;
                dst.put((b * seq + t) * h, acc, 0, h);
            }
        }
    }
}

package dev.jbert.core.nn;

/**
 * The additive padding mask of a batch: 0 where a key position is attended, the lowest float32 where it is
 * padding, as transformers adds {@code torch.finfo(float32).min} before the softmax.
 *
 * @param batch    B
 * @param seq      T
 * @param additive {@code [B·T]}: row b's value for key position t at {@code b·T + t}
 */
public record AttentionMask(int batch, int seq, float[] additive) {

    public AttentionMask {
        if (additive.length != batch * seq) {
            throw new IllegalArgumentException("mask of " + additive.length + " values for " + batch + " × " + seq + " positions");
        }
    }

    /** From an {@code attention_mask} of 1 (attend) and 0 (padding), {@code [B][T]}. */
    public static AttentionMask of(int[][] attentionMask) {
        int b = attentionMask.length, t = b == 0 ? 0 : attentionMask[0].length;
        float[] add = new float[b * t];
        for (int i = 0; i < b; i++) {
            if (attentionMask[i].length != t) {
                throw new IllegalArgumentException("attention_mask row " + i + " has " + attentionMask[i].length + " positions, row 0 has " + t);
            }
            for (int j = 0; j < t; j++) add[i * t + j] = attentionMask[i][j] != 0 ? 0f : -Float.MAX_VALUE;
        }
        return new AttentionMask(b, t, add);
    }
}

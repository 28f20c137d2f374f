package dev.jbert.core.nn;

/**
 * The padding of a batch, as attention masks it: transformers adds {@code torch.finfo(float32).min} to the scores
 * of padded key positions before the softmax. A finite score plus that is that value again in float32, so
 * attention writes it over those scores instead of adding a mask to every one. The rows of {@code padded} are held,
 * not copied: treat them as read-only, and the mask may be shared between threads.
 *
 * @param batch  B
 * @param seq    T
 * @param padded for each row, its padded key positions (attention_mask 0), ascending
 */
public record AttentionMask(int batch, int seq, int[][] padded) {

    /** What a padded position's score becomes. */
    public static final float MASKED = -Float.MAX_VALUE;

    /**
     * Checks that there is one row of padded positions per example.
     *
     * @param batch  B
     * @param seq    T
     * @param padded for each row, its padded key positions (attention_mask 0), ascending
     * @throws IllegalArgumentException if {@code padded} does not have {@code batch} rows
     */
    public AttentionMask {
        if (padded.length != batch) throw new IllegalArgumentException("padding of " + padded.length + " rows for a batch of " + batch);
    }

    /**
     * From an {@code attention_mask} of 1 (attend) and 0 (padding), {@code [B][T]}.
     *
     * @param attentionMask {@code [B][T]}, rows of one length
     * @return the mask
     */
    public static AttentionMask of(int[][] attentionMask) {
        int b = attentionMask.length, t = b == 0 ? 0 : attentionMask[0].length;
        int[][] padded = new int[b][];
        for (int i = 0; i < b; i++) {
            if (attentionMask[i].length != t) {
                throw new IllegalArgumentException("attention_mask row " + i + " has " + attentionMask[i].length + " positions, row 0 has " + t);
            }
            int n = 0;
            for (int v : attentionMask[i]) if (v == 0) n++;
            padded[i] = new int[n];
            for (int j = 0, k = 0; j < t; j++) if (attentionMask[i][j] == 0) padded[i][k++] = j;
        }
        return new AttentionMask(b, t, padded);
    }
}

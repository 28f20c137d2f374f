package dev.jbert.bert.model;

/**
 * One place in the training graph where dropout applies: a float32 placeholder the training loop
 * fills each step with an inverted-dropout mask (0 with probability p, else 1/(1-p)), or with a
 * broadcast 1 to switch dropout off during evaluation.
 *
 * @param placeholder SameDiff placeholder name, {@link #PREFIX} + the module's checkpoint prefix
 * @param p           dropout probability
 * @param shape       which tensor the mask covers
 * @param width       the masked tensor's feature width: hidden size, head count for attention
 *                    probabilities, or a head's own layer width
 */
public record DropoutSite(String placeholder, double p, Shape shape, int width) {

    public static final String PREFIX = "dropout/";

    /** The masked tensor's layout. */
    public enum Shape {
        /** {@code [batch·seq, hidden]}: every token's hidden state. */
        HIDDEN(2),
        /** {@code [batch, heads, seq, seq]}. */
        ATTENTION_PROBS(4),
        /** {@code [batch, hidden]}: one vector per sequence (the pooled output a head reads). */
        POOLED(2);

        private final int rank;

        Shape(int rank) {
            this.rank = rank;
        }

        public int rank() {
            return rank;
        }
    }

    /** The mask's shape for a batch. */
    public long[] maskShape(long batch, long seq) {
        return switch (shape) {
            case HIDDEN -> new long[]{batch * seq, width};
            case ATTENTION_PROBS -> new long[]{batch, width, seq, seq};
            case POOLED -> new long[]{batch, width};
        };
    }
}

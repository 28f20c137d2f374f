package dev.jbert.heads.predict;

/**
 * Numerically stable softmax and sigmoid, computed in double from float logits.
 *
 * <p>Softmax subtracts the row's maximum before exponentiating, so no finite logit overflows; the sigmoid
 * uses {@code exp(-|x|)}, which never overflows either. {@code -Infinity} is a legal logit (probability 0);
 * a row whose maximum is {@code +Infinity} shares the probability equally between its infinite entries.
 * NaN logits and rows that are all {@code -Infinity} are rejected.
 */
public final class Probabilities {

    private Probabilities() {
    }

    /**
     * Softmax of one row of logits.
     *
     * @param logits one row of logits, at least one, none NaN, not all {@code -Infinity}
     * @return the probabilities, summing to 1, in the logits' order
     * @throws IllegalArgumentException for an empty row, a NaN logit, or a row that is all {@code -Infinity}
     */
    public static double[] softmax(float[] logits) {
        if (logits == null || logits.length == 0) throw new IllegalArgumentException("softmax needs at least one logit");
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) throw new IllegalArgumentException("logit " + i + " is NaN");
            max = Math.max(max, logits[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("every logit is -Infinity");
        double[] p = new double[logits.length];
        if (max == Double.POSITIVE_INFINITY) {
            int infinite = 0;
            for (float x : logits) if (x == Float.POSITIVE_INFINITY) infinite++;
            for (int i = 0; i < p.length; i++) p[i] = logits[i] == Float.POSITIVE_INFINITY ? 1.0 / infinite : 0.0;
            return p;
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /**
     * The logistic function {@code 1 / (1 + e^-x)}, stable for any x; infinities map to 0 and 1.
     *
     * @param x a logit, not NaN
     * @return its probability, in [0, 1]
     * @throws IllegalArgumentException for NaN
     */
    public static double sigmoid(double x) {
        if (Double.isNaN(x)) throw new IllegalArgumentException("sigmoid of NaN");
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * Element-wise sigmoid of one row of logits.
     *
     * @param logits one row of logits, none NaN
     * @return each logit's probability, in [0, 1]
     * @throws IllegalArgumentException for a null row or a NaN logit
     */
    public static double[] sigmoid(float[] logits) {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            if (Float.isNaN(logits[i])) throw new IllegalArgumentException("logit " + i + " is NaN");
            p[i] = sigmoid(logits[i]);
        }
        return p;
    }

    /**
     * The index of the largest value, the first one on a tie (as numpy's and torch's argmax).
     *
     * @param values at least one value
     * @return the index of the largest
     * @throws IllegalArgumentException for null or no values
     */
    public static int argmax(double[] values) {
        if (values == null || values.length == 0) throw new IllegalArgumentException("argmax needs at least one value");
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

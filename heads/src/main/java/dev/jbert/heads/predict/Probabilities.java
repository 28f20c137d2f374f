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

    /** Softmax of one row of logits. */
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

    /** The logistic function {@code 1 / (1 + e^-x)}, stable for any x; infinities map to 0 and 1. */
    public static double sigmoid(double x) {
        if (Double.isNaN(x)) throw new IllegalArgumentException("sigmoid of NaN");
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** Element-wise sigmoid of one row of logits. */
    public static double[] sigmoid(float[] logits) {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            if (Float.isNaN(logits[i])) throw new IllegalArgumentException("logit " + i + " is NaN");
            p[i] = sigmoid(logits[i]);
        }
        return p;
    }

    /** The index of the largest value, the first one on a tie (as numpy's and torch's argmax). */
    public static int argmax(double[] values) {
        if (values == null || values.length == 0) throw new IllegalArgumentException("argmax needs at least one value");
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

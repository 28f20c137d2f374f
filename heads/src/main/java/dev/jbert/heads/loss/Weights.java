package dev.jbert.heads.loss;

/** Validation shared by the losses' per-class vectors. */
final class Weights {

    private Weights() {
    }

    static float[] checked(String what, float[] values) {
        if (values == null) return null;
        for (int c = 0; c < values.length; c++) {
            if (!(values[c] >= 0) || Float.isInfinite(values[c])) {
                throw new IllegalArgumentException(what + " must be finite and >= 0; class " + c + " has " + values[c]);
            }
        }
        return values.clone();
    }

    static void checkCount(String what, float[] values, int numClasses) {
        if (values != null && values.length != numClasses) {
            throw new IllegalArgumentException(what + " give " + values.length + " values but the head has " + numClasses + " classes");
        }
    }
}

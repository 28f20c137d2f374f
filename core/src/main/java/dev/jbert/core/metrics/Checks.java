package dev.jbert.core.metrics;

import java.util.ArrayList;
import java.util.List;

/** Argument checks shared by the metric entry points; each message names what was expected and found. */
final class Checks {

    private Checks() {
    }

    static void notNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    static void sameLength(int trueLength, int predictedLength, String what) {
        if (trueLength != predictedLength) {
            throw new IllegalArgumentException("expected as many predicted " + what + " as true ones, found "
                    + trueLength + " true and " + predictedLength + " predicted");
        }
    }

    static void notEmpty(int length, String what) {
        if (length == 0) {
            throw new IllegalArgumentException("expected at least one " + what + ", found none");
        }
    }

    static void numLabels(int numLabels) {
        if (numLabels < 1) {
            throw new IllegalArgumentException("expected numLabels >= 1, found " + numLabels);
        }
    }

    static void labelsInRange(int[] labels, int numLabels, String name) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numLabels) {
                throw new IllegalArgumentException("expected labels in [0, " + numLabels + "), found " + name + "["
                        + i + "] = " + labels[i]);
            }
        }
    }

    /** The names as an immutable list of {@code numLabels} entries: the given names, or the indices as text. */
    static List<String> labelNames(List<String> names, int numLabels) {
        if (names == null) {
            List<String> indices = new ArrayList<>(numLabels);
            for (int i = 0; i < numLabels; i++) {
                indices.add(Integer.toString(i));
            }
            return List.copyOf(indices);
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null) {
                throw new IllegalArgumentException("expected a name for every label, found null at index " + i);
            }
        }
        return List.copyOf(names);
    }
}

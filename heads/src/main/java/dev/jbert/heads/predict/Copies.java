package dev.jbert.heads.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive copies for the result records. */
final class Copies {

    private Copies() {
    }

    /** An unmodifiable copy keeping the given (label) order. */
    static Map<String, Double> ordered(Map<String, Double> map, String what) {
        if (map == null) throw new IllegalArgumentException(what + " must not be null");
        for (Map.Entry<String, Double> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(what + " must not contain null keys or values");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** An unmodifiable copy of the logits, empty for null. */
    static List<Double> logits(List<Double> logits) {
        return logits == null ? List.of() : List.copyOf(logits);
    }

    /** The logits as a list of doubles. */
    static List<Double> logits(float[] logits) {
        Double[] boxed = new Double[logits.length];
        for (int i = 0; i < boxed.length; i++) boxed[i] = (double) logits[i];
        return List.of(boxed);
    }

    /** Checks label names: non-empty, no nulls, distinct; returns an immutable copy. */
    static List<String> labels(List<String> labels) {
        if (labels == null || labels.isEmpty()) throw new IllegalArgumentException("at least one label name is required");
        for (String l : labels) if (l == null) throw new IllegalArgumentException("label names must not be null: " + labels);
        if (labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("label names must be distinct: " + labels);
        }
        return List.copyOf(labels);
    }
}

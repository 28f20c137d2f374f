package dev.jbert.core.data;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The target of one text example, in the form its task needs: a class id (single-label), a set of
 * class ids (multi-label), a real value (regression), or {@link #NONE} when the example is to be
 * predicted. Class ids index a {@link LabelSet}.
 */
public sealed interface Label permits Label.ClassIndex, Label.ClassSet, Label.Value, Label.None {

    /** No label: an example to predict. */
    Label NONE = new None();

    /**
     * One class, for single-label classification.
     *
     * @param index the class id, {@code >= 0}
     * @return the label
     */
    static Label classIndex(int index) {
        return new ClassIndex(index);
    }

    /**
     * Any number of classes (possibly none), for multi-label classification.
     *
     * @param indices the class ids, {@code >= 0}, in any order; repeats collapse
     * @return the label
     */
    static Label classSet(Collection<Integer> indices) {
        return new ClassSet(List.copyOf(indices));
    }

    /**
     * A real value, for regression.
     *
     * @param value the target, finite
     * @return the label
     */
    static Label value(double value) {
        return new Value(value);
    }

    /** @param index a class id, {@code >= 0} */
    record ClassIndex(int index) implements Label {
        /**
         * Checks the id.
         *
         * @param index a class id, {@code >= 0}
         * @throws IllegalArgumentException if the id is negative
         */
        public ClassIndex {
            if (index < 0) {
                throw new IllegalArgumentException("a class id must be >= 0, got " + index);
            }
        }
    }

    /** @param indices distinct class ids, stored in ascending order */
    record ClassSet(List<Integer> indices) implements Label {
        /**
         * Checks the ids and sorts them, dropping repeats.
         *
         * @param indices class ids, {@code >= 0}, in any order
         * @throws IllegalArgumentException if the list is null or holds a null or negative id
         */
        public ClassSet {
            if (indices == null) {
                throw new IllegalArgumentException("indices must not be null");
            }
            TreeSet<Integer> sorted = new TreeSet<>();
            for (Integer i : indices) {
                if (i == null || i < 0) {
                    throw new IllegalArgumentException("class ids must be >= 0, got " + indices);
                }
                sorted.add(i);
            }
            // sorted and distinct, so two equal sets compare equal whatever order the file listed them in
            indices = List.copyOf(sorted);
        }
    }

    /** @param value a finite real number */
    record Value(double value) implements Label {
        /**
         * Checks the value.
         *
         * @param value a finite real number
         * @throws IllegalArgumentException if the value is NaN or infinite
         */
        public Value {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("a regression target must be finite, got " + value);
            }
        }
    }

    /** The absence of a label; use {@link Label#NONE}. */
    record None() implements Label {
    }
}

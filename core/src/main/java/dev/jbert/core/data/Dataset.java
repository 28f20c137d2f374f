package dev.jbert.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * What a reader returns: the examples of one file, their label set, and the rows it left out.
 *
 * @param file     the file read
 * @param examples the usable examples, in file order; never empty
 * @param labels   the label set the examples' class ids index (given, or inferred from this file); null
 *                 for regression and for unlabelled reads
 * @param skipped  rows left out under {@link BadRowPolicy#SKIP}, in file order; empty under FAIL
 * @param <E>      {@link TextExample} or {@link TokenExample}
 */
public record Dataset<E>(Path file, List<E> examples, LabelSet labels, List<SkippedRow> skipped) {

    /**
     * Checks that there are examples, and copies the lists.
     *
     * @param file     the file read
     * @param examples the usable examples, in file order; never empty
     * @param labels   the label set the examples' class ids index (given, or inferred from this file); null
     *                 for regression and for unlabelled reads
     * @param skipped  rows left out under {@link BadRowPolicy#SKIP}, in file order; empty under FAIL
     * @throws IllegalArgumentException if there are no examples
     */
    public Dataset {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one example");
        }
        examples = List.copyOf(examples);
        skipped = List.copyOf(skipped);
    }

    /**
     * Number of examples.
     *
     * @return the number of examples
     */
    public int size() {
        return examples.size();
    }

    /**
     * Whether class ids index a label set (false for regression and unlabelled reads).
     *
     * @return whether {@link #labels()} is not null
     */
    public boolean hasLabelSet() {
        return labels != null;
    }
}

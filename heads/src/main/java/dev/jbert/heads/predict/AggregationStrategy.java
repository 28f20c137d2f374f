package dev.jbert.heads.predict;

import java.util.Arrays;
import java.util.Locale;

/**
 * How token predictions become entities: transformers' {@code AggregationStrategy} of the
 * token-classification pipeline.
 */
public enum AggregationStrategy {
    /** Every token on its own with its full label ({@code B-PER}), special tokens and ignored labels left out. */
    NONE,
    /**
     * Adjacent tokens with the same entity type grouped into one entity; a {@code B-} tag always starts a new
     * one. A word may be split between entities.
     */
    SIMPLE,
    /** Words first, each taking the label of its first sub-word; then grouped as SIMPLE. */
    FIRST,
    /** Words first, each taking the argmax of its sub-words' averaged probabilities; then grouped as SIMPLE. */
    AVERAGE,
    /** Words first, each taking the label of its most confident sub-word; then grouped as SIMPLE. */
    MAX;

    /**
     * The name as transformers and the command line spell it: {@code none}, {@code simple}, ...
     *
     * @return the lower-case name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether sub-word tokens are merged into words before grouping.
     *
     * @return true for {@link #FIRST}, {@link #AVERAGE} and {@link #MAX}
     */
    public boolean aggregatesWords() {
        return this == FIRST || this == AVERAGE || this == MAX;
    }

    /**
     * The strategy named {@code name}, in any case ({@code "simple"}, {@code "SIMPLE"}).
     *
     * @param name the strategy's name; surrounding whitespace is ignored
     * @return the strategy
     * @throws IllegalArgumentException naming the valid strategies, for null or an unknown name
     */
    public static AggregationStrategy parse(String name) {
        String valid = Arrays.stream(values()).map(AggregationStrategy::cliName).toList().toString();
        if (name == null) throw new IllegalArgumentException("no aggregation strategy given; expected one of " + valid);
        for (AggregationStrategy s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) return s;
        }
        throw new IllegalArgumentException("unknown aggregation strategy '" + name + "'; expected one of " + valid);
    }
}

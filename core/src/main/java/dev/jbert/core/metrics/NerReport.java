package dev.jbert.core.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Entity-level NER scores as {@code conlleval.pl} computes them, in percent (0-100, not fractions).
 *
 * <p>{@link #toMap()} names, all in percent: {@code entity_f1}, {@code entity_precision},
 * {@code entity_recall}, {@code token_accuracy}.
 *
 * @param tokens      how many tokens were scored (sentence boundaries excluded)
 * @param correctTags tokens whose predicted tag equals the gold tag, prefix and type
 * @param overall     chunk counts over all types
 * @param perType     chunk counts per entity type, sorted by type; a type appears when it has a gold or a
 *                    predicted chunk. Their correct counts can sum to less than the overall one when
 *                    {@code .} tags hold a chunk open to the end, which conlleval counts under no type.
 */
public record NerReport(int tokens, int correctTags, ChunkCounts overall, SortedMap<String, ChunkCounts> perType)
        implements MetricReport {

    /**
     * Copies the per-type counts into a sorted, unmodifiable map.
     *
     * @param overall     chunk counts over all types
     * @param tokens      how many tokens were scored (sentence boundaries excluded)
     * @param correctTags tokens whose predicted tag equals the gold tag, prefix and type
     * @param perType     chunk counts per entity type, sorted by type; a type appears when it has a gold or a
     *                    predicted chunk. Their correct counts can sum to less than the overall one when
     *                    {@code .} tags hold a chunk open to the end, which conlleval counts under no type.
     * @throws NullPointerException if {@code overall} is null
     */
    public NerReport {
        Objects.requireNonNull(overall, "overall");
        perType = Collections.unmodifiableSortedMap(new TreeMap<>(perType));
    }

    /**
     * {@code 100 · correctTags / tokens}: conlleval's "accuracy", a token-level figure.
     *
     * @return the token accuracy, in percent
     */
    public double tokenAccuracy() {
        return 100.0 * correctTags / tokens;
    }

    /**
     * Overall entity precision in percent.
     *
     * @return the precision, 0-100
     */
    public double precision() {
        return overall.precision();
    }

    /**
     * Overall entity recall in percent.
     *
     * @return the recall, 0-100
     */
    public double recall() {
        return overall.recall();
    }

    /**
     * Overall entity F1 (conlleval's FB1) in percent.
     *
     * @return the F1, 0-100
     */
    public double f1() {
        return overall.f1();
    }

    @Override
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("entity_f1", f1());
        m.put("entity_precision", precision());
        m.put("entity_recall", recall());
        m.put("token_accuracy", tokenAccuracy());
        return Collections.unmodifiableMap(m);
    }

    /**
     * A value as conlleval prints it with {@code %.2f}. Perl hands the binary double to C's printf, which
     * rounds its exact decimal expansion, so a true tie (0.125, 12.625: representable exactly) goes to the
     * even digit and 1.005 (stored as 1.00499999...) rounds down. {@code BigDecimal(double)} with HALF_EVEN
     * reproduces that; {@code String.format} does not, as it rounds half up from the shortest decimal.
     *
     * @param percent a value in percent
     * @return the value with two decimals
     */
    public static BigDecimal printed(double percent) {
        return new BigDecimal(percent).setScale(2, RoundingMode.HALF_EVEN);
    }

    /**
     * The report exactly as {@code conlleval.pl} (default options) prints it.
     *
     * @return the report's lines
     */
    public String toConllevalString() {
        StringBuilder out = new StringBuilder();
        out.append("processed ").append(tokens).append(" tokens with ").append(overall.gold())
                .append(" phrases; found: ").append(overall.guessed()).append(" phrases; correct: ")
                .append(overall.correct()).append(".\n");
        out.append("accuracy: ").append(fixed(tokenAccuracy())).append("%; precision: ")
                .append(fixed(precision())).append("%; recall: ").append(fixed(recall()))
                .append("%; FB1: ").append(fixed(f1())).append('\n');
        perType.forEach((type, c) -> {
            String line = String.format("%17s: precision: %s%%; recall: %s%%; FB1: %s  %d\n", type,
                    fixed(c.precision()), fixed(c.recall()), fixed(c.f1()), c.guessed());
            // conlleval de-duplicates its sorted type list with a truthiness test that the empty type fails,
            // so a type-less chunk tag ("B", "I-") is listed once for the gold and once for the guesses.
            int copies = type.isEmpty() ? (c.gold() > 0 ? 1 : 0) + (c.guessed() > 0 ? 1 : 0) : 1;
            out.append(line.repeat(copies));
        });
        return out.toString();
    }

    private static String fixed(double value) {
        return String.format("%6s", printed(value).toPlainString());
    }
}

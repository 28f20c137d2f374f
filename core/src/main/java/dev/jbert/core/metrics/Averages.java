package dev.jbert.core.metrics;

import java.util.List;

/** The macro and support-weighted averages scikit-learn takes over per-class scores. */
final class Averages {

    private Averages() {
    }

    /** Unweighted mean over the given classes, 0 for none. */
    static Scores macro(List<ClassScores> classes) {
        double p = 0;
        double r = 0;
        double f = 0;
        for (ClassScores c : classes) {
            p += c.precision();
            r += c.recall();
            f += c.f1();
        }
        int n = classes.size();
        return new Scores(Scores.divide(p, n), Scores.divide(r, n), Scores.divide(f, n));
    }

    /**
     * Mean weighted by support; 0 when no class has support, which is what scikit-learn returns with
     * {@code zero_division=0} (possible only for multi-label input without a single positive label).
     */
    static Scores weighted(List<ClassScores> classes) {
        double p = 0;
        double r = 0;
        double f = 0;
        long total = 0;
        for (ClassScores c : classes) {
            p += c.precision() * c.support();
            r += c.recall() * c.support();
            f += c.f1() * c.support();
            total += c.support();
        }
        return new Scores(Scores.divide(p, total), Scores.divide(r, total), Scores.divide(f, total));
    }

    /** Micro average: the scores of the pooled counts. */
    static Scores micro(List<ClassScores> classes) {
        long tp = 0;
        long predicted = 0;
        long actual = 0;
        for (ClassScores c : classes) {
            tp += c.truePositives();
            predicted += c.predicted();
            actual += c.support();
        }
        return Scores.fromCounts(tp, predicted, actual);
    }
}

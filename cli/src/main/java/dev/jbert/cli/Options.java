package dev.jbert.cli;

import dev.jbert.core.nn.KernelSet;
import dev.jbert.heads.predict.AggregationStrategy;

/** Option values the commands share, parsed into what the library takes; a value outside the choices is bad usage. */
final class Options {

    private Options() {
    }

    /** {@code --aggregation}. */
    static AggregationStrategy aggregation(String value) {
        try {
            return AggregationStrategy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--aggregation: " + e.getMessage());
        }
    }

    /** {@code --kernels}. */
    static KernelSet kernels(String value) {
        try {
            return KernelSet.of(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kernels: " + e.getMessage());
        }
    }
}

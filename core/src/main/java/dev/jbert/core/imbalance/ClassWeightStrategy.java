package dev.jbert.core.imbalance;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How {@link ClassWeights#compute(ClassWeightStrategy, long[])} turns class counts into weights. */
public enum ClassWeightStrategy {

    /** {@code 1 / n_c}. */
    INVERSE("inverse"),
    /** {@code 1 / sqrt(n_c)}: milder than {@link #INVERSE} for very rare classes. */
    SQRT_INVERSE("sqrt_inverse"),
    /**
     * The effective number of samples (Cui et al. 2019), {@code (1 - β) / (1 - β^n_c)} with
     * β = {@link ClassWeights#DEFAULT_EFFECTIVE_BETA}.
     */
    EFFECTIVE("effective");

    private final String cliName;

    ClassWeightStrategy(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name used on the command line and in configuration files.
     *
     * @return the name, lower case
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The strategy with the given command-line name, ignoring case and surrounding blanks.
     *
     * @param name the name
     * @return the strategy
     * @throws IllegalArgumentException naming the valid choices when {@code name} is none of them
     */
    public static ClassWeightStrategy parse(String name) {
        if (name != null) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            for (ClassWeightStrategy s : values()) {
                if (s.cliName.equals(wanted)) {
                    return s;
                }
            }
        }
        String valid = Arrays.stream(values()).map(ClassWeightStrategy::cliName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown class weight strategy '" + name + "'; expected one of " + valid);
    }

    @Override
    public String toString() {
        return cliName;
    }
}

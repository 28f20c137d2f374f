package dev.jbert.bert.config;

import dev.jbert.core.nn.ActivationFunction;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code hidden_act} values this encoder implements, named as transformers' ACT2FN names them.
 * Each maps to the exact function transformers applies, so a checkpoint trained with one keeps it.
 */
public enum Activation {
    /** {@code 0.5·x·(1 + erf(x/√2))}: BERT's own GELU. */
    GELU("gelu"),
    /** The tanh approximation of GELU (GPT-2's "gelu_new"). */
    GELU_NEW("gelu_new"),
    /** Same tanh approximation under PyTorch's name. */
    GELU_PYTORCH_TANH("gelu_pytorch_tanh"),
    /** {@code max(0, x)}. */
    RELU("relu"),
    /** {@code x·sigmoid(x)}. */
    SILU("silu"),
    /** transformers maps "swish" to SiLU. */
    SWISH("swish"),
    /** The hyperbolic tangent. */
    TANH("tanh");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    /**
     * The kernel that computes it.
     *
     * @return the core activation kernel; both tanh approximations share {@code GELU_TANH}, SiLU and swish share
     *         {@code SILU}
     */
    public ActivationFunction function() {
        return switch (this) {
            case GELU -> ActivationFunction.GELU;
            case GELU_NEW, GELU_PYTORCH_TANH -> ActivationFunction.GELU_TANH;
            case RELU -> ActivationFunction.RELU;
            case SILU, SWISH -> ActivationFunction.SILU;
            case TANH -> ActivationFunction.TANH;
        };
    }

    /**
     * The name used in {@code config.json}.
     *
     * @return the {@code hidden_act} value, e.g. {@code "gelu_new"}
     */
    public String configName() {
        return configName;
    }

    /**
     * Looks up a {@code config.json} activation name; the match is exact and case-sensitive.
     *
     * @param name the {@code hidden_act} (or similar) value
     * @return the activation, or empty when this name is not implemented
     */
    public static Optional<Activation> fromConfigName(String name) {
        return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst();
    }

    /**
     * Every supported name, for error messages.
     *
     * @return the config names in declaration order, formatted as {@code [gelu, gelu_new, ...]}
     */
    public static String supportedNames() {
        return Arrays.toString(Arrays.stream(values()).map(Activation::configName).toArray());
    }
}

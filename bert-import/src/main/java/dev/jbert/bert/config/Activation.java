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
    RELU("relu"),
    SILU("silu"),
    /** transformers maps "swish" to SiLU. */
    SWISH("swish"),
    TANH("tanh");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    /** The kernel that computes it. */
    public ActivationFunction function() {
        return switch (this) {
            case GELU -> ActivationFunction.GELU;
            case GELU_NEW, GELU_PYTORCH_TANH -> ActivationFunction.GELU_TANH;
            case RELU -> ActivationFunction.RELU;
            case SILU, SWISH -> ActivationFunction.SILU;
            case TANH -> ActivationFunction.TANH;
        };
    }

    /** The name used in {@code config.json}. */
    public String configName() {
        return configName;
    }

    public static Optional<Activation> fromConfigName(String name) {
        return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst();
    }

    /** Every supported name, for error messages. */
    public static String supportedNames() {
        return Arrays.toString(Arrays.stream(values()).map(Activation::configName).toArray());
    }
}

package dev.jbert.core.nn;

/**
 * The element-wise activations of transformer encoders, as torch defines them; {@link Activation} applies one with a
 * model's kernels.
 */
public enum ActivationFunction {
    /** {@code 0.5·x·(1 + erf(x/√2))}: BERT's {@code "gelu"}, {@code torch.nn.functional.gelu}. */
    GELU,
    /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}: {@code gelu_new}, {@code gelu_pytorch_tanh}. */
    GELU_TANH,
    /** {@code max(0, x)}: {@code relu}. */
    RELU,
    /** {@code x·sigmoid(x)}: {@code silu}, {@code swish}. */
    SILU,
    /** {@code tanh(x)}: {@code tanh}. */
    TANH
}

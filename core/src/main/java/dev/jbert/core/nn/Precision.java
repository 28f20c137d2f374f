package dev.jbert.core.nn;

import java.util.Locale;

/**
 * The number format of a model's Linear products; everything else stays float32 whatever is chosen.
 *
 * <p>The policy follows PyTorch's CPU autocast for bfloat16 and ONNX Runtime's {@code quantize_dynamic} for int8:
 * only the products of Linear layers (the encoder's and the head's, some 95% of a pass's arithmetic at 128 tokens)
 * go low. Master weights, gradient sums, AdamW, LayerNorm statistics, the softmax, activations and losses stay
 * float32, and so do attention's own products (Q·Kᵀ and P·V): at these lengths they are a few percent of the work
 * and run as many small per-head products, where a lower-precision call would cost more than it saves.
 */
public enum Precision {
    /** float32 throughout: bit for bit what jbert computed before lower precisions existed. */
    FP32("fp32"),
    /**
     * bfloat16 inputs to every Linear product (activations rounded to nearest even, weights likewise from the
     * float32 masters), a bfloat16 result widened back to float32; in training the backward products too. For
     * training and inference.
     */
    BF16("bf16"),
    /**
     * Dynamic quantization, for inference only: each Linear's weights to int8 per output channel (symmetric) once,
     * activations to uint8 per row (asymmetric, the row's range widened to hold 0) at run time, uint8×int8 products
     * summed in int32 and rescaled to float32 with the zero point's correction.
     */
    INT8("int8");

    private final String flag;

    Precision(String flag) {
        this.flag = flag;
    }

    /**
     * The name used on the command line and in reports: fp32, bf16, int8.
     *
     * @return the lower-case name
     */
    public String flag() {
        return flag;
    }

    /**
     * Whether a model in this precision can be trained.
     *
     * @return false for INT8 only
     */
    public boolean trains() {
        return this != INT8;
    }

    /**
     * The precision a name gives (fp32, bf16, int8; any case).
     *
     * @param name fp32, bf16 or int8, in any case
     * @return the precision
     * @throws IllegalArgumentException naming the choices
     */
    public static Precision of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Precision p : values()) if (p.flag.equals(n)) return p;
        throw new IllegalArgumentException("precision '" + name + "' is not one of fp32, bf16, int8");
    }
}

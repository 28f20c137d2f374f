package dev.jbert.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * {@code torch.nn.Linear}: {@code y = x·Wᵀ + b} with W in torch's {@code [out, in]} layout, as checkpoints store it.
 * The product is one GEMM into this module's own output slot (transposes are GEMM flags, never copies); the
 * backward pass accumulates {@code dW += dyᵀ·x} straight into the gradient array with GEMM's β = 1.
 *
 * <p>The model's {@link PrecisionPolicy} says which product runs. In bfloat16 the input and the weight are rounded
 * (the input kept for the backward pass), multiplied by oneDNN into a bfloat16 result and widened into the output
 * slot; the backward pass rounds {@code dy} once and widens {@code dyᵀ·x} into the float32 weight gradient and
 * {@code dy·W} into the input's. In int8 the input is quantized row by row against weights quantized once
 * ({@link DynamicQuantization}). Biases, and everything after the product, stay float32.
 *
 * <p>The module keeps a reference to its last input for the backward pass: that input must not be overwritten
 * between the two. Not thread-safe: that reference and the output and gradient slots are the module's own, so one
 * pass at a time per model.
 */
public final class Linear {

    private final String weightName;
    private final String biasName;
    private final INDArray weight;            // [out, in]
    private final INDArray bias;              // [out], or null
    private final int in;
    private final int out;
    private final PrecisionPolicy policy;
    private final Kernels kernels;
    private final Slot output = new Slot();
    private final Slot inputGradient = new Slot();
    private final Slot bf16Input = new Slot(DataType.BFLOAT16);    // [N, in] of the last bfloat16 pass
    private final Slot bf16Weight = new Slot(DataType.BFLOAT16);   // [out, in], rounded this pass
    private INDArray input;                   // [N, in] of the last forward pass
    private INDArray lowWeight;               // [out, in] bfloat16 the last forward pass multiplied with
    private Precision lastPrecision = Precision.FP32;

    /**
     * @param prefix the checkpoint prefix: parameters are {@code prefix.weight} and {@code prefix.bias}
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}, or null for none
     */
    public Linear(String prefix, INDArray weight, INDArray bias) {
        this(prefix, weight, bias, new PrecisionPolicy(), KernelSet.active().kernels());
    }

    /**
     * A Linear of a model with its own precision policy and kernel set.
     *
     * @param prefix  the checkpoint prefix: parameters are {@code prefix.weight} and {@code prefix.bias}
     * @param weight  {@code [out, in]}
     * @param bias    {@code [out]}, or null for none
     * @param policy  the model's precision, shared by all its Linears
     * @param kernels the model's kernel set
     */
    public Linear(String prefix, INDArray weight, INDArray bias, PrecisionPolicy policy, Kernels kernels) {
        this.policy = policy;
        this.kernels = kernels;
        policy.register(weight);
        if (weight.rank() != 2) throw new IllegalArgumentException(prefix + ".weight must be [out, in], got rank " + weight.rank());
        this.weightName = prefix + ".weight";
        this.biasName = bias == null ? null : prefix + ".bias";
        this.weight = weight;
        this.bias = bias;
        this.out = (int) weight.size(0);
        this.in = (int) weight.size(1);
        if (bias != null && bias.length() != out) {
            throw new IllegalArgumentException(biasName + " has " + bias.length() + " elements, expected " + out);
        }
    }

    /**
     * @return the input width {@code in}
     */
    public int inFeatures() {
        return in;
    }

    /**
     * @return the output width {@code out}
     */
    public int outFeatures() {
        return out;
    }

    /**
     * @return the float32 weight {@code [out, in]}, the array the module reads (not a copy)
     */
    public INDArray weight() {
        return weight;
    }

    /**
     * @return the bias {@code [out]}, or null
     */
    public INDArray bias() {
        return bias;
    }

    /**
     * {@code x [N, in]} → {@code y [N, out]}, in this module's output slot.
     *
     * @param x the input {@code [N, in]}, kept for the backward pass
     * @return {@code y [N, out]}, valid until this module runs again
     */
    public INDArray forward(INDArray x) {
        if (policy.precision() == Precision.INT8) return int8Forward(x, quantize(x), true);
        INDArray y = forwardWithoutBias(x);
        if (bias != null) kernels.addBias(y, bias);
        return y;
    }

    /**
     * {@code x·Wᵀ} alone: for a caller that adds {@link #bias()} in its own next pass over the result (a LayerNorm,
     * an activation) rather than in a pass of its own.
     *
     * @param x the input {@code [N, in]}, kept for the backward pass
     * @return {@code x·Wᵀ [N, out]}, in this module's output slot
     */
    public INDArray forwardWithoutBias(INDArray x) {
        long rows = x.size(0);
        INDArray y = output.get(rows, out);
        Precision precision = policy.precision();
        switch (precision) {
            case FP32 -> kernels.gemm(x, weight, y, false, true, 1.0, 0.0);
            case BF16 -> {
                lowWeight = policy.frozen() ? policy.frozenBf16(weight) : roundedWeight();
                INDArray xb = bf16Input.get(rows, in);
                Bf16.round(x, xb);
                INDArray yb = policy.scratch(PrecisionPolicy.Scratch.BF16_OUTPUT).get(rows, out);
                MatMul.product(xb, lowWeight, yb, false, true);
                Bf16.widen(yb, y);
            }
            case INT8 -> {
                return int8Forward(x, quantize(x), false);
            }
        }
        lastPrecision = precision;
        input = x;
        return y;
    }

    /**
     * {@code x [N, in]} through several Linears of one model, each into its own output slot with its bias: attention's
     * query, key and value projections. In int8 the input is quantized once for all of them.
     *
     * @param x       the input {@code [N, in]} of every Linear
     * @param linears the Linears, all of the same input width
     * @return their outputs, in the order of {@code linears}
     */
    public static INDArray[] forwardEach(INDArray x, Linear... linears) {
        INDArray[] out = new INDArray[linears.length];
        boolean shared = linears.length > 0 && linears[0].policy.precision() == Precision.INT8;
        for (Linear l : linears) shared &= l.policy == linears[0].policy && l.in == linears[0].in;
        DynamicQuantization.Rows q = shared ? linears[0].quantize(x) : null;
        for (int i = 0; i < linears.length; i++) out[i] = shared ? linears[i].int8Forward(x, q, true) : linears[i].forward(x);
        return out;
    }

    private DynamicQuantization.Rows quantize(INDArray x) {
        long rows = x.size(0);
        return DynamicQuantization.quantize(x, policy.scratch(PrecisionPolicy.Scratch.FLOAT_LEVELS).get(rows, in),
                policy.scratch(PrecisionPolicy.Scratch.UINT8_INPUT).get(rows, in));
    }

    private INDArray int8Forward(INDArray x, DynamicQuantization.Rows q, boolean withBias) {
        long rows = x.size(0);
        INDArray y = output.get(rows, out);
        DynamicQuantization.multiply(q, policy.int8(weight), withBias ? bias : null,
                policy.scratch(PrecisionPolicy.Scratch.INT32_SUMS).get(rows, out), y);
        lastPrecision = Precision.INT8;
        input = x;
        return y;
    }

    private INDArray roundedWeight() {
        INDArray wb = bf16Weight.get(out, in);
        Bf16.round(weight, wb);
        return wb;
    }

    /**
     * Accumulates the parameter gradients of {@code dy [N, out]} and returns {@code dx [N, in]} in this module's
     * own slot.
     *
     * @param dy   the output's gradient {@code [N, out]}
     * @param pass the pass whose gradients accumulate
     * @return {@code dx [N, in]}, valid until this module runs again
     */
    public INDArray backward(INDArray dy, Pass pass) {
        INDArray dx = inputGradient.get(dy.size(0), in);
        backward(dy, dx, false, pass);
        return dx;
    }

    /**
     * Accumulates the parameter gradients of {@code dy} and writes {@code dx} into {@code into}, adding to what it
     * holds when {@code accumulate} (for an input that feeds several modules); {@code into} may be null when
     * nothing needs the input's gradient.
     *
     * @param dy         the output's gradient {@code [N, out]}
     * @param into       receives {@code dx [N, in]}, or null
     * @param accumulate whether {@code dx} is added to {@code into} rather than written over it
     * @param pass       the pass whose gradients accumulate
     */
    public void backward(INDArray dy, INDArray into, boolean accumulate, Pass pass) {
        INDArray db = biasGradient(pass);
        if (db != null) kernels.addColumnSums(dy, db);
        backwardWithoutBias(dy, into, accumulate, pass);
    }

    /**
     * As {@link #backward(INDArray, Pass)} for a caller that has added the bias's gradient itself.
     *
     * @param dy   the output's gradient {@code [N, out]}
     * @param pass the pass whose gradients accumulate
     * @return {@code dx [N, in]}, valid until this module runs again
     */
    public INDArray backwardWithoutBias(INDArray dy, Pass pass) {
        INDArray dx = inputGradient.get(dy.size(0), in);
        backwardWithoutBias(dy, dx, false, pass);
        return dx;
    }

    private void backwardWithoutBias(INDArray dy, INDArray into, boolean accumulate, Pass pass) {
        INDArray dW = pass.gradient(weightName);
        switch (lastPrecision) {
            case FP32 -> {
                if (dW != null) kernels.gemm(dy, input, dW, true, false, 1.0, 1.0);
                if (into != null) kernels.gemm(dy, weight, into, false, false, 1.0, accumulate ? 1.0 : 0.0);
            }
            case BF16 -> bf16Backward(dy, dW, into, accumulate);
            case INT8 -> throw new IllegalStateException(weightName + ": an int8 pass has no backward pass (int8 is for inference only)");
        }
    }

    private void bf16Backward(INDArray dy, INDArray dW, INDArray into, boolean accumulate) {
        long rows = dy.size(0);
        INDArray dyb = policy.scratch(PrecisionPolicy.Scratch.BF16_OUTPUT_GRADIENT).get(rows, out);
        Bf16.round(dy, dyb);
        if (dW != null) {
            INDArray dWb = policy.scratch(PrecisionPolicy.Scratch.BF16_WEIGHT_GRADIENT).get(out, in);
            MatMul.product(dyb, bf16Input.get(rows, in), dWb, true, false);
            Bf16.addTo(dWb, dW);
        }
        if (into != null) {
            INDArray dxb = policy.scratch(PrecisionPolicy.Scratch.BF16_INPUT_GRADIENT).get(rows, in);
            MatMul.product(dyb, lowWeight, dxb, false, false);
            if (accumulate) Bf16.addTo(dxb, into);
            else Bf16.widen(dxb, into);
        }
    }

    /**
     * Where the bias's gradient accumulates in this pass, or null (no bias, or frozen).
     *
     * @param pass the pass
     * @return the bias's gradient {@code [out]}, or null
     */
    public INDArray biasGradient(Pass pass) {
        return biasName == null ? null : pass.gradient(biasName);
    }

    /** Frees the native memory of this module's slots. */
    public void release() {
        output.release();
        inputGradient.release();
        bf16Input.release();
        bf16Weight.release();
        input = null;
        lowWeight = null;
    }
}

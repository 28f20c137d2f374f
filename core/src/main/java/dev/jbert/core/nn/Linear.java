package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * {@code torch.nn.Linear}: {@code y = x·Wᵀ + b} with W in torch's {@code [out, in]} layout, as checkpoints store it.
 * The product is one GEMM into this module's own output slot (transposes are GEMM flags, never copies); the
 * backward pass accumulates {@code dW += dyᵀ·x} straight into the gradient array with GEMM's β = 1.
 *
 * <p>The module keeps a reference to its last input for the backward pass: that input must not be overwritten
 * between the two.
 */
public final class Linear {

    private final String weightName;
    private final String biasName;
    private final INDArray weight;            // [out, in]
    private final INDArray bias;              // [out], or null
    private final int in;
    private final int out;
    private final Slot output = new Slot();
    private final Slot inputGradient = new Slot();
    private INDArray input;                   // [N, in] of the last forward pass

    /**
     * @param prefix the checkpoint prefix: parameters are {@code prefix.weight} and {@code prefix.bias}
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}, or null for none
     */
    public Linear(String prefix, INDArray weight, INDArray bias) {
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

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    public INDArray weight() {
        return weight;
    }

    public INDArray bias() {
        return bias;
    }

    /** {@code x [N, in]} → {@code y [N, out]}, in this module's output slot. */
    public INDArray forward(INDArray x) {
        INDArray y = forwardWithoutBias(x);
        if (bias != null) {
            long t = Profiler.start();
            addBias(y, bias);
            Profiler.stop(Profiler.Section.BIAS, t);
        }
        return y;
    }

    /**
     * {@code x·Wᵀ} alone: for a caller that adds {@link #bias()} in its own next pass over the result (a LayerNorm,
     * an activation) rather than in a pass of its own.
     */
    public INDArray forwardWithoutBias(INDArray x) {
        INDArray y = output.get(x.size(0), out);
        long t = Profiler.start();
        Nd4j.gemm(x, weight, y, false, true, 1.0, 0.0);
        Profiler.stop(Profiler.Section.LINEAR, t);
        input = x;
        return y;
    }

    /**
     * Accumulates the parameter gradients of {@code dy [N, out]} and returns {@code dx [N, in]} in this module's
     * own slot.
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
     */
    public void backward(INDArray dy, INDArray into, boolean accumulate, Pass pass) {
        INDArray db = biasGradient(pass);
        if (db != null) {
            long t = Profiler.start();
            ColumnSums.addTo(dy, db);
            Profiler.stop(Profiler.Section.BIAS, t);
        }
        backwardWithoutBias(dy, into, accumulate, pass);
    }

    /** As {@link #backward(INDArray, Pass)} for a caller that has added the bias's gradient itself. */
    public INDArray backwardWithoutBias(INDArray dy, Pass pass) {
        INDArray dx = inputGradient.get(dy.size(0), in);
        backwardWithoutBias(dy, dx, false, pass);
        return dx;
    }

    private void backwardWithoutBias(INDArray dy, INDArray into, boolean accumulate, Pass pass) {
        long t = Profiler.start();
        INDArray dW = pass.gradient(weightName);
        if (dW != null) Nd4j.gemm(dy, input, dW, true, false, 1.0, 1.0);
        if (into != null) Nd4j.gemm(dy, weight, into, false, false, 1.0, accumulate ? 1.0 : 0.0);
        Profiler.stop(Profiler.Section.LINEAR, t);
    }

    /** Where the bias's gradient accumulates in this pass, or null (no bias, or frozen). */
    public INDArray biasGradient(Pass pass) {
        return biasName == null ? null : pass.gradient(biasName);
    }

    /** {@code y[r, :] += b} for every row. */
    static void addBias(INDArray y, INDArray b) {
        int rows = (int) y.size(0), cols = (int) y.size(1);
        FloatBuffer dst = Floats.of(y);
        float[] bias = new float[cols];
        Floats.of(b).get(0, bias, 0, cols);
        int block = Math.max(1, Floats.CHUNK / cols);
        Parallel.range(rows, block, (from, to) -> {
            float[] x = Floats.scratch(0, block * cols);
            for (int r0 = from; r0 < to; r0 += block) {
                int r1 = Math.min(to, r0 + block), len = (r1 - r0) * cols;
                dst.get(r0 * cols, x, 0, len);
                for (int r = 0; r < r1 - r0; r++) {
                    int o = r * cols;
                    for (int j = 0; j < cols; j++) x[o + j] += bias[j];
                }
                dst.put(r0 * cols, x, 0, len);
            }
        });
    }

    /** Frees the native memory of this module's slots. */
    public void release() {
        output.release();
        inputGradient.release();
        input = null;
    }
}

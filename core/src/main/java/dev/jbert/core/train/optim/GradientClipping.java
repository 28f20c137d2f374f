package dev.jbert.core.train.optim;

import dev.jbert.core.nn.KernelSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Gradient clipping as PyTorch's {@code torch.nn.utils.clip_grad_norm_} does it. */
public final class GradientClipping {

    /** torch adds this to the norm before dividing, so a zero gradient never divides by zero. */
    private static final double NORM_EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * The global L2 norm of all gradients, {@code sqrt(Σ ||g||²)}, without changing them. The per-tensor
     * norms are float32 as in torch; they are combined in double precision.
     *
     * @return the norm; NaN or infinite when a gradient holds such values
     */
    public static double globalNorm(Map<String, INDArray> grads) {
        return globalNorm(grads, KernelSet.HOST);
    }

    /**
     * As {@link #globalNorm(Map)} for gradients the given kernels compute with: on the device kernels the squares
     * are summed on the device and one scalar is read back (the norm the log and the finite check need).
     */
    public static double globalNorm(Map<String, INDArray> grads, KernelSet kernels) {
        if (grads == null) {
            throw new IllegalArgumentException("grads must not be null");
        }
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("gradient of '" + e.getKey() + "' is null");
            }
        }
        if (kernels == KernelSet.DEVICE) {
            INDArray sumOfSquares = Nd4j.scalar(DataType.DOUBLE, 0.0);
            for (INDArray g : grads.values()) sumOfSquares.addi(g.norm2().castTo(DataType.DOUBLE).muli(g.norm2().castTo(DataType.DOUBLE)));
            return Math.sqrt(sumOfSquares.getDouble(0));
        }
        double sumOfSquares = 0;
        for (INDArray g : grads.values()) {
            double norm = g.norm2Number().doubleValue();
            sumOfSquares += norm * norm;
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Scales all gradients together, in place, so that their {@link #globalNorm global norm} is at most
     * about {@code maxNorm}: each is multiplied by {@code maxNorm / (total + 1e-6)} when that is below 1
     * (torch's clamped {@code clip_coef}), which also scales a norm within 1e-6 under {@code maxNorm}.
     *
     * @return the global norm before clipping, what Hugging Face logs as {@code grad_norm}. When it
     *         is NaN or infinite the gradients are left untouched, so the caller can skip the step.
     * @throws IllegalArgumentException if maxNorm is not positive
     */
    public static double clipByGlobalNorm(Map<String, INDArray> grads, double maxNorm) {
        return clipByGlobalNorm(grads, maxNorm, KernelSet.HOST);
    }

    /** As {@link #clipByGlobalNorm(Map, double)}, the norm taken as {@link #globalNorm(Map, KernelSet)} takes it. */
    public static double clipByGlobalNorm(Map<String, INDArray> grads, double maxNorm, KernelSet kernels) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double total = globalNorm(grads, kernels);
        if (!Double.isFinite(total)) {
            return total;
        }
        double coefficient = maxNorm / (total + NORM_EPSILON);
        if (coefficient < 1) {
            for (INDArray grad : grads.values()) {
                grad.muli(coefficient);
            }
        }
        return total;
    }
}

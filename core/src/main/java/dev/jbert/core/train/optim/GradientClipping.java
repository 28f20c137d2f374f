package dev.jbert.core.train.optim;

import dev.jbert.core.nn.ReadBack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * Gradient clipping as PyTorch's {@code torch.nn.utils.clip_grad_norm_} does it. {@link #norm} and {@link #clip} stay
 * where the gradients are, so that a training step on a device reads nothing back to clip;
 * {@link #globalNorm} and {@link #clipByGlobalNorm} read the norm, for callers that need its value at once.
 */
public final class GradientClipping {

    /** torch adds this to the norm before dividing, so a zero gradient never divides by zero. */
    private static final double NORM_EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * The global L2 norm of all gradients, {@code sqrt(Σ ||g||²)}, as a one-element float64 array where the gradients
     * are. The per-tensor norms are float32 as in torch; they are squared and summed in double precision. NaN or
     * infinite when a gradient holds such values.
     *
     * @param grads the gradients by parameter name
     * @return {@code [1]} float64, in the gradients' memory
     */
    public static INDArray norm(Map<String, INDArray> grads) {
        if (grads == null) {
            throw new IllegalArgumentException("grads must not be null");
        }
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("gradient of '" + e.getKey() + "' is null");
            }
        }
        if (grads.isEmpty()) return Nd4j.scalar(0.0);
        // each tensor's norm straight into its slot of one vector: a reduction per tensor, then four operations in all
        INDArray norms = Nd4j.create(DataType.FLOAT, grads.size());
        int i = 0;
        for (INDArray g : grads.values()) Nd4j.exec(new Norm2(g, norms.get(NDArrayIndex.point(i++))));
        INDArray squares = norms.castTo(DataType.DOUBLE);
        // an explicit product: INDArray.muli reads a one-element operand (a single gradient's norm) back to the host
        Nd4j.exec(new MulOp(squares, squares, squares));
        return Transforms.sqrt(squares.sum(), false);
    }

    /**
     * Scales all gradients together, in place, by torch's clamped {@code clip_coef = min(1, maxNorm / (norm + 1e-6))},
     * computed where the gradients are: the global norm ends at most about {@code maxNorm}, and a norm within 1e-6
     * under {@code maxNorm} is scaled too. Call it only with a finite {@code norm}: a NaN one would spread to every
     * gradient.
     *
     * @param grads   the gradients by parameter name, scaled in place
     * @param norm    the gradients' {@link #norm}
     * @param maxNorm the largest global norm wanted, {@code > 0}
     * @throws IllegalArgumentException if maxNorm is not positive
     */
    public static void clip(Map<String, INDArray> grads, INDArray norm, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        if (grads.isEmpty()) return;
        INDArray coefficient = Transforms.min(norm.add(NORM_EPSILON).rdivi(maxNorm), 1.0, false);
        INDArray asFloat = coefficient.castTo(DataType.FLOAT);
        // an explicit broadcast: INDArray.muli reads a one-element operand back to the host
        for (INDArray grad : grads.values()) Nd4j.exec(new MulOp(grad, asFloat, grad));
    }

    /**
     * The global norm's value, {@link #norm} read back.
     *
     * @param grads the gradients by parameter name
     * @return the norm; NaN or infinite when a gradient holds such values
     */
    public static double globalNorm(Map<String, INDArray> grads) {
        return ReadBack.scalar(norm(grads), ReadBack.Use.GRADIENT_NORM);
    }

    /**
     * {@link #clip Clips} when the global norm is finite, and returns it.
     *
     * @param grads   the gradients by parameter name, scaled in place
     * @param maxNorm the largest global norm wanted, {@code > 0}
     * @return the global norm before clipping, what Hugging Face logs as {@code grad_norm}. When it is NaN or
     *         infinite the gradients are left untouched, so the caller can skip the step.
     * @throws IllegalArgumentException if maxNorm is not positive
     */
    public static double clipByGlobalNorm(Map<String, INDArray> grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        INDArray norm = norm(grads);
        double total = ReadBack.scalar(norm, ReadBack.Use.GRADIENT_NORM);
        if (Double.isFinite(total)) clip(grads, norm, maxNorm);
        return total;
    }
}

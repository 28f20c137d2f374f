package dev.jbert.core.train.optim;

import dev.jbert.core.nn.ReadBack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/** Gradient clipping as PyTorch's {@code torch.nn.utils.clip_grad_norm_} does it. */
public final class GradientClipping {

    /** torch adds this to the norm before dividing, so a zero gradient never divides by zero. */
    private static final double NORM_EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * The global L2 norm of all gradients, {@code sqrt(Σ ||g||²)}, without changing them. The per-tensor norms are
     * float32 as in torch; they are squared and summed in double precision where the gradients are, and the sum is
     * the one scalar read back.
     *
     * @return the norm; NaN or infinite when a gradient holds such values
     */
    public static double globalNorm(Map<String, INDArray> grads) {
        if (grads == null) {
            throw new IllegalArgumentException("grads must not be null");
        }
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("gradient of '" + e.getKey() + "' is null");
            }
        }
        if (grads.isEmpty()) return 0;
        // each tensor's norm straight into its slot of one vector: a reduction per tensor, then four operations in all
        INDArray norms = Nd4j.create(DataType.FLOAT, grads.size());
        int i = 0;
        for (INDArray g : grads.values()) Nd4j.exec(new Norm2(g, norms.get(NDArrayIndex.point(i++))));
        INDArray squares = norms.castTo(DataType.DOUBLE);
        return Math.sqrt(ReadBack.scalar(squares.muli(squares).sum(), ReadBack.Use.GRADIENT_NORM));
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
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double total = globalNorm(grads);
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

package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One forward pass, and the backward pass that may follow it: whether dropout is on, the seed its masks are
 * drawn from, and where parameter gradients accumulate. The inference pass holds nothing mutable and is shared by
 * every thread; a training pass's gradient arrays are added to in place, so it serves one backward pass at a time.
 */
public final class Pass {

    private static final Pass INFERENCE = new Pass(false, 0, Map.of());

    private final boolean training;
    private final long dropoutSeed;
    private final Map<String, INDArray> gradients;

    private Pass(boolean training, long dropoutSeed, Map<String, INDArray> gradients) {
        this.training = training;
        this.dropoutSeed = dropoutSeed;
        this.gradients = gradients;
    }

    /**
     * Dropout off; a backward pass after it computes no parameter gradient.
     *
     * @return the inference pass, shared
     */
    public static Pass inference() {
        return INFERENCE;
    }

    /**
     * Dropout on, masks drawn from {@code dropoutSeed}.
     *
     * @param dropoutSeed the seed every dropout site's mask derives from
     * @param gradients   by parameter name, added to by the backward pass; a parameter without an entry is frozen
     * @return a training pass
     */
    public static Pass training(long dropoutSeed, Map<String, INDArray> gradients) {
        if (gradients == null) throw new IllegalArgumentException("gradients must not be null");
        return new Pass(true, dropoutSeed, gradients);
    }

    /**
     * Whether dropout is on and the backward pass accumulates gradients.
     *
     * @return true for a training pass
     */
    public boolean training() {
        return training;
    }

    /**
     * The seed dropout masks are drawn from; 0 in inference.
     *
     * @return the seed
     */
    public long dropoutSeed() {
        return dropoutSeed;
    }

    /**
     * Where the named parameter's gradient accumulates, or null when it does not train.
     *
     * @param parameter the parameter's checkpoint name
     * @return the gradient array, or null
     */
    public INDArray gradient(String parameter) {
        return gradients.get(parameter);
    }

    /**
     * Whether any parameter whose name starts with {@code prefix} trains: a frozen module needs no backward pass.
     *
     * @param prefix a module's name prefix
     * @return whether a gradient is kept for any parameter under it
     */
    public boolean trainsAny(String prefix) {
        for (String name : gradients.keySet()) if (name.startsWith(prefix)) return true;
        return false;
    }
}

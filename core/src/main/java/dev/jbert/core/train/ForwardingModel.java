package dev.jbert.core.train;

import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.KernelSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TrainableModel} that hands every call to another, so that a wrapper (one that computes gradients
 * elsewhere, or injects a fault) overrides only what it changes. Adds no state of its own: as thread-safe as its
 * delegate, unless a subclass adds state.
 */
public abstract class ForwardingModel implements TrainableModel {

    private final TrainableModel delegate;

    /**
     * A model that hands every call to {@code delegate}.
     *
     * @param delegate the model calls go to, not null
     */
    protected ForwardingModel(TrainableModel delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Map<String, INDArray> trainableParameters() {
        return delegate.trainableParameters();
    }

    @Override
    public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
        return delegate.accumulateGradients(batch, scale, dropoutSeed, gradients);
    }

    @Override
    public KernelSet kernels() {
        return delegate.kernels();
    }

    @Override
    public double lossNormalizer(Batch batch) {
        return delegate.lossNormalizer(batch);
    }

    @Override
    public INDArray predict(Batch batch) {
        return delegate.predict(batch);
    }

    @Override
    public double evaluationLoss(Batch batch) {
        return delegate.evaluationLoss(batch);
    }

    @Override
    public double loss(Batch batch, INDArray logits) {
        return delegate.loss(batch, logits);
    }

    @Override
    public boolean decays(String parameterName) {
        return delegate.decays(parameterName);
    }

    @Override
    public void save(Path dir) {
        delegate.save(dir);
    }

    @Override
    public void load(Path dir) {
        delegate.load(dir);
    }
}

package dev.jbert.heads;

import dev.jbert.bert.model.RandomWeights;
import dev.jbert.bert.model.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where head parameters come from: the checkpoint when it holds them in the requested shape, else
 * a fresh draw as transformers initialises a new head (weights ~ N(0, initializer_range²), biases
 * 0). A checkpoint head of another shape — a different label count — is refused unless the user
 * asked to replace it, because silently dropping a trained head loses work.
 */
final class HeadWeights implements Weights {

    private static final Logger LOG = LoggerFactory.getLogger(HeadWeights.class);

    private final Weights checkpoint;
    private final RandomWeights fresh;
    private final boolean replaceMismatched;

    HeadWeights(Weights checkpoint, double initializerRange, long seed, CheckpointHead mismatched) {
        this.checkpoint = checkpoint;
        this.fresh = new RandomWeights(seed, initializerRange);
        this.replaceMismatched = mismatched == CheckpointHead.REPLACE_MISMATCHED;
    }

    @Override
    public boolean has(String name) {
        return checkpoint.storedShape(name).isPresent();
    }

    @Override
    public Optional<long[]> storedShape(String name) {
        return checkpoint.storedShape(name);
    }

    @Override
    public org.nd4j.linalg.api.ndarray.INDArray get(String name, long... shape) {
        Optional<long[]> stored = checkpoint.storedShape(name);
        if (stored.isEmpty()) {
            LOG.debug("{} is not in the checkpoint: initialising it", name);
            return fresh.get(name, shape);
        }
        if (!Arrays.equals(stored.get(), shape)) {
            if (!replaceMismatched) {
                throw new IllegalArgumentException("the checkpoint's " + name + " has shape " + Arrays.toString(stored.get())
                        + " but this head needs " + Arrays.toString(shape) + " (another number of labels?): "
                        + "ask to replace the head to train a new one from scratch");
            }
            LOG.info("replacing the checkpoint's {} {} with a new {} head parameter", name, Arrays.toString(stored.get()),
                    Arrays.toString(shape));
            return fresh.get(name, shape);
        }
        return checkpoint.get(name, shape);
    }
}

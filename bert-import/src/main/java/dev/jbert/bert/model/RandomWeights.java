package dev.jbert.bert.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;
import java.util.Random;

/**
 * Freshly initialised weights, as transformers' {@code _init_weights} draws them for BERT:
 * linear and embedding weights from N(0, initializerRange²), biases zero, LayerNorm weight one and
 * bias zero. Used for a model trained from scratch and for fast tests that need no checkpoint.
 *
 * <p>Thread-safe in that its {@link Random} is, but concurrent requests interleave their draws: for reproducible
 * weights, ask from one thread in a fixed order.
 */
public final class RandomWeights implements Weights {

    private final Random random;
    private final double std;

    /**
     * Weights drawn from a seeded generator.
     *
     * @param seed the seed: equal seeds and requests in equal order give equal weights
     * @param std  standard deviation of the normal weights, usually the config's {@code initializer_range}
     */
    public RandomWeights(long seed, double std) {
        this.random = new Random(seed);
        this.std = std;
    }

    @Override
    public boolean has(String name) {
        return true;
    }

    /** Nothing is stored: every tensor is drawn fresh in whatever shape is asked for. */
    @Override
    public Optional<long[]> storedShape(String name) {
        return Optional.empty();
    }

    @Override
    public INDArray get(String name, long... shape) {
        if (name.endsWith(".bias")) return Nd4j.zeros(DataType.FLOAT, shape);
        if (name.contains("LayerNorm.")) return Nd4j.ones(DataType.FLOAT, shape);
        long n = 1;
        for (long d : shape) n *= d;
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) data[i] = (float) (random.nextGaussian() * std);
        return Nd4j.create(data, shape, 'c');
    }
}

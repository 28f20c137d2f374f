package dev.jbert.bert.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * Where the graph builder gets its parameters, by the checkpoint key transformers uses
 * ({@code bert.encoder.layer.0.attention.self.query.weight}). The builder asks for exactly the
 * tensors its config needs, so the set of expected keys is written once, in the graph code.
 *
 * <p>Implementations need not be thread-safe ({@link CheckpointWeights} is not): an encoder is built on one thread.
 */
public interface Weights {

    /**
     * Whether the source holds a tensor of that name (optional parts such as the pooler).
     *
     * @param name a checkpoint key
     * @return whether {@link #get} would find it
     */
    boolean has(String name);

    /**
     * The shape a stored tensor has, when the source stores it: lets a head tell a checkpoint's
     * head of another label count from its own before asking for it.
     *
     * @param name a checkpoint key
     * @return the stored shape, or empty when the tensor is absent or the source stores nothing
     */
    Optional<long[]> storedShape(String name);

    /**
     * The tensor as float32 with the given shape. A source may record a missing tensor or a wrong
     * shape and report every problem together later; it then returns an array of the right shape.
     *
     * @param name  a checkpoint key
     * @param shape the shape the config implies, as PyTorch stores it (a Linear's weight is {@code [out, in]})
     * @return a new float32 array of {@code shape}
     */
    INDArray get(String name, long... shape);
}

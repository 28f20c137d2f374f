package dev.jbert.bert.model;

import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.checkpoint.TensorInfo;
import dev.jbert.core.ModelFileException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Weights read from a checkpoint, with strict accounting: every tensor the graph asks for must be
 * there with the shape the config implies, and every tensor in the checkpoint must be used, be
 * left for a head, or be one {@link dev.jbert.bert.checkpoint.CheckpointKeys} ignores. Problems are
 * collected while the graph is built and reported together by {@link #verify}, so one run shows
 * the user everything that is wrong.
 *
 * <p>Not thread-safe: it records every request in plain collections; use it from the one thread that builds the
 * graph and then calls {@link #verify}.
 */
public final class CheckpointWeights implements Weights {

    private final Checkpoint checkpoint;
    private final Set<String> used = new HashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> wrongShape = new ArrayList<>();

    /**
     * Weights read from {@code checkpoint}, which must stay open while the graph is built.
     *
     * @param checkpoint the opened checkpoint; not closed here
     */
    public CheckpointWeights(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    @Override
    public boolean has(String name) {
        return checkpoint.contains(name);
    }

    @Override
    public Optional<long[]> storedShape(String name) {
        return checkpoint.contains(name) ? Optional.of(checkpoint.info(name).shape()) : Optional.empty();
    }

    @Override
    public INDArray get(String name, long... shape) {
        used.add(name);
        if (!checkpoint.contains(name)) {
            missing.add(name + " " + Arrays.toString(shape));
            return Nd4j.zeros(DataType.FLOAT, shape);
        }
        TensorInfo info = checkpoint.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            wrongShape.add(name + ": expected " + Arrays.toString(shape) + ", found " + info.shapeString()
                    + " in " + checkpoint.fileOf(name).getFileName());
            return Nd4j.zeros(DataType.FLOAT, shape);
        }
        return Nd4j.create(checkpoint.readFloat32(name), shape, 'c');
    }

    /**
     * Throws a {@link ModelFileException} naming the checkpoint and listing missing tensors, wrong
     * shapes and unexpected tensors, if there are any.
     *
     * @param leftForLater names a later stage (a head) will claim, so not unexpected here
     * @throws ModelFileException when a tensor is missing, has the wrong shape, or is in the checkpoint unused
     */
    public void verify(Predicate<String> leftForLater) {
        List<String> unexpected = checkpoint.names().stream()
                .filter(n -> !used.contains(n) && !leftForLater.test(n))
                .map(n -> n + " " + checkpoint.info(n).shapeString())
                .toList();
        if (missing.isEmpty() && wrongShape.isEmpty() && unexpected.isEmpty()) return;
        StringBuilder msg = new StringBuilder("checkpoint does not match config.json:");
        if (!wrongShape.isEmpty()) msg.append("\n  shapes that disagree with the config: ").append(wrongShape);
        if (!missing.isEmpty()) msg.append("\n  missing tensors (expected shape): ").append(missing);
        if (!unexpected.isEmpty()) msg.append("\n  unexpected tensors: ").append(unexpected);
        throw new ModelFileException(checkpoint.source(), msg.toString());
    }
}

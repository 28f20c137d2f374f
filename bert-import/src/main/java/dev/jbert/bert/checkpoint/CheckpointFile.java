package dev.jbert.bert.checkpoint;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Map;

/**
 * One weights file on disk (a safetensors file, a PyTorch zip, or one shard of either), opened
 * once: its tensor table is read and validated up front, tensor data only when asked for.
 *
 * <p>Implementations should allow reads from several threads at once, as the safetensors, PyTorch and ONNX files
 * do: {@link Checkpoint} promises it. Callers close a file only once every read has finished.
 */
public interface CheckpointFile extends Closeable {

    /**
     * The file this reads, for error messages.
     *
     * @return the file's path
     */
    Path path();

    /**
     * Every tensor in the file, by the name the file gives it, in file order.
     *
     * @return the tensor table, by name
     */
    Map<String, TensorInfo> tensors();

    /**
     * The named tensor as contiguous row-major float32, converted from whatever type the file
     * stores. Throws {@link dev.jbert.core.ModelFileException} naming the file and tensor when the
     * name is absent or the data cannot be read.
     *
     * @param name the tensor's name as the file gives it
     * @return a new array of the tensor's elements
     */
    float[] readFloat32(String name);

    /** Releases the file; no I/O exceptions escape, as nothing is written. */
    @Override
    void close();
}

package dev.jbert.bert.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes float32 tensors as {@code model.safetensors}, the layout transformers loads. The file is
 * written beside its destination and moved into place in one step, so a crash mid-write never
 * leaves a half-written file under the final name.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 18;

    /**
     * One tensor to write: row-major float32 data and its shape. The data may be a view of native memory: it is
     * read once, while the file is written, and never copied whole.
     *
     * <p>Not immutable: it keeps the caller's buffer and shape array, not copies; leave both unchanged until the
     * file is written.
     *
     * @param data  the values from the buffer's position to its limit
     * @param shape the tensor's shape, PyTorch's layout
     */
    public record Tensor(FloatBuffer data, long[] shape) {
        /**
         * Checks that the data holds exactly the shape's number of values.
         *
         * @param data  the values from the buffer's position to its limit
         * @param shape the tensor's shape, PyTorch's layout
         * @throws IllegalArgumentException when the shape's element count differs from {@code data.remaining()}
         */
        public Tensor {
            long n = 1;
            for (long d : shape) n *= d;
            if (n != data.remaining()) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.remaining());
            }
        }

        /**
         * A tensor over an array.
         *
         * @param data  row-major values, wrapped, not copied
         * @param shape the tensor's shape; its element count must equal {@code data.length}
         */
        public Tensor(float[] data, long[] shape) {
            this(FloatBuffer.wrap(data), shape);
        }
    }

    private SafetensorsWriter() {
    }

    /**
     * Writes the tensors in map order with {@code {"format": "pt"}} metadata, as torch does.
     *
     * @param file    the destination, replaced if it exists; a {@code .tmp} file beside it is used while writing
     * @param tensors the tensors by checkpoint key, all written as {@code F32}
     * @throws ModelFileException when the file cannot be written or moved into place
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            long bytes = 4L * e.getValue().data().remaining();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        // the format pads the header with spaces to a multiple of 8 so the data starts aligned
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip());
            writeFully(out, ByteBuffer.wrap(headerBytes));
            // through one buffer of CHUNK floats, so that writing a model needs no second copy of it
            ByteBuffer chunk = ByteBuffer.allocateDirect(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                FloatBuffer src = t.data().duplicate();
                while (src.hasRemaining()) {
                    int n = Math.min(CHUNK, src.remaining());
                    chunk.clear();
                    chunk.asFloatBuffer().put(src.slice().limit(n));
                    src.position(src.position() + n);
                    chunk.limit(4 * n);
                    writeFully(out, chunk);
                }
            }
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot write: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            moveReplacing(tmp, file);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot move the finished file into place: " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }

    private static void moveReplacing(Path tmp, Path file) {
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot move the finished file into place: " + e.getMessage(), e);
        }
    }
}

package dev.jbert.core.nn;

import dev.jbert.core.nn.host.Floats;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The only reads of an array's values back into the JVM that training, evaluation and saving make outside the host
 * kernels, each named by its {@link Use}, and the one bulk write of JVM values over an array ({@link #overwrite}). On a GPU every read waits for the device and copies over the bus, so the
 * loop is held to these: an architecture test follows every call from the trainer, the optimizers, the models, losses
 * and evaluators and fails on any other read of an array's host memory. The host kernels and the code that runs only
 * with them (bf16 and int8 products, the fused host AdamW) read host memory directly, by design.
 *
 * <p>Thread-safe: the counts are {@link LongAdder}s, so passes on several threads may count at once.
 */
public final class ReadBack {

    /** Why a value is read back. */
    public enum Use {
        /** A micro-batch's or an evaluation batch's loss: one scalar. */
        LOSS,
        /** The global gradient norm: one scalar per optimizer step, for clipping, the NaN guard and the log. */
        GRADIENT_NORM,
        /** After a step's loss or norm came out NaN or infinite: which gradients are, one scalar each. */
        NAN_CHECK,
        /** An evaluation or prediction batch's outputs, for its predictions and metrics. */
        OUTPUTS,
        /** A batch's labels: host data it was built from, whose host copy ND4J keeps current. */
        LABELS,
        /** Parameters and optimizer state, for saving a checkpoint or a model. */
        SAVING,
        /** Outputs and gradients compared with reference values ({@code jbert doctor}). */
        CHECK,
        /**
         * Parameters, gradients, optimizer moments and losses a Spark replica and the driver send each other: once per
         * step (data-parallel) or per round (parameter averaging).
         */
        REPLICAS
    }

    private static final Map<Use, LongAdder> READS = new EnumMap<>(Use.class);

    static {
        for (Use use : Use.values()) READS.put(use, new LongAdder());
    }

    private ReadBack() {
    }

    /**
     * How many reads of this use the JVM has made: what a test of a loop's read-backs counts.
     *
     * @param use the reason
     * @return the reads of that use since the JVM started
     */
    public static long reads(Use use) {
        return READS.get(use).sum();
    }

    /**
     * The single value of a scalar (or one-element) array.
     *
     * @param a   the array, of one element
     * @param use why it is read
     * @return the value
     */
    public static double scalar(INDArray a, Use use) {
        return host(a, use).getDouble(0);
    }

    /**
     * The elements in row-major order.
     *
     * @param a   the array, of any shape
     * @param use why it is read
     * @return a copy of the values
     */
    public static float[] floats(INDArray a, Use use) {
        return host(a, use).reshape(a.length()).toFloatVector();
    }

    /**
     * The rows of a matrix.
     *
     * @param matrix the matrix {@code [R, C]}
     * @param use    why it is read
     * @return a copy, {@code [R][C]}
     */
    public static float[][] rows(INDArray matrix, Use use) {
        return host(matrix, use).toFloatMatrix();
    }

    /**
     * The elements in row-major order, as integers (class indices, labels).
     *
     * @param a   the array, of any shape
     * @param use why it is read
     * @return a copy of the values
     */
    public static int[] ints(INDArray a, Use use) {
        return host(a, use).reshape(a.length()).toIntVector();
    }

    /**
     * A contiguous float32 array's memory, read in place: no copy of a whole model's parameters to save them.
     *
     * @param a   a contiguous float32 array
     * @param use why it is read
     * @return a view of its host memory, {@code a.length()} floats
     */
    public static FloatBuffer buffer(INDArray a, Use use) {
        return Floats.of(host(a, use)).limit((int) a.length());
    }

    /**
     * Replaces a contiguous float32 array's values with {@code values} (row-major), through its host memory in bulk, and
     * marks the host copy as the current one, so that a backend with a device copies it over before the next use.
     *
     * @param a      a contiguous float32 array
     * @param values as many values as {@code a} has elements
     * @param use    why it is written
     */
    public static void overwrite(INDArray a, float[] values, Use use) {
        if (a.length() != values.length) {
            throw new IllegalArgumentException(values.length + " values for an array of " + a.length() + " elements");
        }
        Floats.of(host(a, use)).put(0, values);
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }

    /**
     * Writes the array with ND4J's own serialisation ({@link Nd4j#write(INDArray, DataOutputStream)}).
     *
     * @param a   the array
     * @param out the stream
     * @param use why it is read
     * @throws IOException if the stream cannot be written
     */
    public static void write(INDArray a, DataOutputStream out, Use use) throws IOException {
        Nd4j.write(host(a, use), out);
    }

    /** ND4J syncs the host copy of an array a device wrote (nothing on the CPU backend). */
    private static INDArray host(INDArray a, Use use) {
        READS.get(use).increment();
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        return a;
    }
}

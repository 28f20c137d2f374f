package dev.jbert.core.nn.device;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.LongAdder;

/**
 * The ND4J operations the device kernels compose, named for what they do: broadcasting products and sums, batched
 * matrix products, gathers and segment sums. Inputs from the host (indices, masks) are uploaded once as arrays.
 */
final class DeviceOps {

    private static final LongAdder UPLOADS = new LongAdder();

    private DeviceOps() {
    }

    /** {@code out = a ⊙ b} with numpy broadcasting ({@code out} may be {@code a}). */
    static INDArray multiply(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new MulOp(a, b, out));
        return out;
    }

    /** {@code out = a + b} with numpy broadcasting ({@code out} may be {@code a}). */
    static INDArray add(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new AddOp(a, b, out));
        return out;
    }

    /** {@code out = a - b} with numpy broadcasting ({@code out} may be {@code a}). */
    static INDArray subtract(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new SubOp(a, b, out));
        return out;
    }

    /** {@code op(a)·op(b)} over the last two dimensions, batched over the others; a new array. */
    static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        return Nd4j.matmul(a, b, null, transposeA, transposeB, false);
    }

    /** Rows (or a vector's elements) at the given positions: {@code out[i] = a[index[i]]}. */
    static INDArray gather(INDArray a, INDArray index) {
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(a, index).addIntegerArguments(0).build())[0];
    }

    /**
     * Sums of the rows (or elements) of {@code data} by segment: {@code out[s] = Σ_{i: segment[i] = s} data[i]}, over
     * {@code segments} segments. Unlike a scatter-add, threads never add into one row at once.
     */
    static INDArray segmentSum(INDArray data, INDArray segment, int segments) {
        return Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum").addInputs(data, segment).addIntegerArguments(segments).build())[0];
    }

    /** An index array on the device. */
    static INDArray upload(int[] values) {
        UPLOADS.increment();
        return Nd4j.createFromArray(values);
    }

    /** A float array on the device. */
    static INDArray upload(float[] values, long... shape) {
        UPLOADS.increment();
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    /** Arrays uploaded from the host so far, by this JVM: what a test of once-per-pass uploads counts. */
    static long uploads() {
        return UPLOADS.sum();
    }

    /** {@code [B·T, H]} rows as {@code [B, nh, T, hs]} heads, copied contiguous. */
    static INDArray heads(INDArray rows, int batch, int seq, int heads, int headSize) {
        return rows.reshape('c', batch, seq, heads, headSize).permute(0, 2, 1, 3).dup('c');
    }

    /** {@code [B, nh, T, hs]} heads back into {@code out [B·T, H]}. */
    static void rows(INDArray heads, INDArray out) {
        long b = heads.size(0), nh = heads.size(1), t = heads.size(2), hs = heads.size(3);
        out.reshape('c', b, t, nh, hs).assign(heads.permute(0, 2, 1, 3));
    }
}

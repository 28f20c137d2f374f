package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Native memory a module writes one tensor into, reused from step to step.
 *
 * <p>A fresh native array per operation per step costs page faults on every first touch and leaves the freeing
 * to the garbage collector; a slot grows to the largest shape it has held (batches padded to different lengths
 * differ in size) and hands out a row-major view of its first elements in the shape asked for. Whatever the slot
 * held before is overwritten by its next user: a view stays valid until the module that owns the slot runs again.
 *
 * <p>Not thread-safe: a slot belongs to one module, used by one pass at a time; {@link #release()} hands its memory
 * to the pool open on the calling thread.
 */
public final class Slot {

    private final DataType type;
    private INDArray backing;                 // [capacity]
    private long[] shape;
    private INDArray view;

    /** A slot of float32 arrays. */
    public Slot() {
        this(DataType.FLOAT);
    }

    /**
     * A slot of arrays of {@code type}: bfloat16 and 8-bit copies for lower-precision products.
     *
     * @param type the data type of the arrays
     */
    public Slot(DataType type) {
        this.type = type;
    }

    /**
     * A row-major view of {@code shape} in this slot's type; its contents are whatever was written last.
     *
     * @param shape the dimensions
     * @return the view, valid until the slot is asked for another shape or released
     */
    public INDArray get(long... shape) {
        if (view != null && Arrays.equals(shape, this.shape)) return view;
        long n = 1;
        for (long d : shape) n *= d;
        if (backing == null || backing.length() < n) {
            // exactly n, not n plus headroom: lengths grow to the batch limit within the first batches, and every
            // slot's headroom would stay resident for the rest of the run
            release();
            SlotPool pool = SlotPool.current();
            backing = pool == null ? null : pool.take(type, n);
            if (backing == null) backing = Nd4j.createUninitialized(type, n);
        }
        this.shape = shape.clone();
        view = backing.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
        return view;
    }

    /**
     * As {@link #get}, filled with zeros.
     *
     * @param shape the dimensions
     * @return the view, zeroed
     */
    public INDArray zeros(long... shape) {
        INDArray a = get(shape);
        a.assign(0);
        return a;
    }

    /**
     * Frees the native memory now, or hands it to the {@link SlotPool} open on this thread; the slot can be used
     * again.
     */
    public void release() {
        SlotPool pool = SlotPool.current();
        if (backing != null && pool != null) pool.put(backing);
        else NativeMemory.free(backing);
        backing = null;
        view = null;
        shape = null;
    }
}

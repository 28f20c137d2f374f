package dev.jbert.bert.checkpoint.pickle;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage,
 * with offset and strides counted in elements. Sizes are checked for 64-bit overflow on
 * construction, so the derived counts below are exact.
 */
public final class PickledTensor {

    private final StorageRef storage;
    private final long offset;
    private final long[] shape;
    private final long[] stride;
    private final long numel;
    private final long end;

    PickledTensor(StorageRef storage, long offset, long[] shape, long[] stride) {
        if (shape.length != stride.length) {
            throw new PickleException("tensor has " + shape.length + " dimensions but " + stride.length + " strides");
        }
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.stride = stride.clone();
        try {
            long n = 1;
            long last = offset;
            for (int d = 0; d < shape.length; d++) {
                n = Math.multiplyExact(n, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
                }
            }
            this.numel = n;
            this.end = n == 0 ? 0 : Math.addExact(last, 1);
        } catch (ArithmeticException e) {
            throw new PickleException("tensor of shape " + Arrays.toString(shape) + ", strides "
                    + Arrays.toString(stride) + " and offset " + offset + " overflows 64-bit sizes");
        }
    }

    /**
     * The storage the view reads.
     *
     * @return the storage reference
     */
    public StorageRef storage() {
        return storage;
    }

    /**
     * First storage element of the view.
     *
     * @return the offset, in elements
     */
    public long offset() {
        return offset;
    }

    /**
     * Size of each dimension, outermost first; empty for a scalar.
     *
     * @return a copy of the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Storage elements between neighbours along each dimension.
     *
     * @return a copy of the strides, one per dimension
     */
    public long[] stride() {
        return stride.clone();
    }

    /**
     * Number of elements the view holds (1 for a scalar).
     *
     * @return the product of the shape
     */
    public long numel() {
        return numel;
    }

    /**
     * One past the last storage element the view reads, or 0 when it reads none.
     *
     * @return the exclusive end, in storage elements
     */
    public long end() {
        return end;
    }

    /**
     * Whether the view reads storage elements {@code offset .. end-1} in row-major order.
     *
     * @return true when its bytes can be used as they are, without {@link #gather}
     */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            // a dimension of size 1 is never stepped along, so its stride is irrelevant
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Copies the view's elements into a new row-major array, given {@code slice}, the storage's
     * bytes for elements {@code offset .. end-1}. The caller ensures both arrays fit in an int.
     *
     * @param slice       the storage's bytes from element {@code offset} to {@code end-1}
     * @param elementSize bytes per element
     * @return the view's {@code numel} elements in row-major order, {@code numel · elementSize} bytes
     */
    public byte[] gather(byte[] slice, int elementSize) {
        byte[] out = new byte[Math.toIntExact(numel * elementSize)];
        long[] index = new long[shape.length];
        long src = 0;
        for (int i = 0; i < out.length; i += elementSize) {
            System.arraycopy(slice, (int) (src * elementSize), out, i, elementSize);
            // odometer step: advance the last dimension, carrying into earlier ones
            for (int d = shape.length - 1; d >= 0; d--) {
                src += stride[d];
                if (++index[d] < shape[d]) {
                    break;
                }
                src -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return out;
    }
}

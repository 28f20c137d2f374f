package dev.jbert.bert.checkpoint;

import java.util.Arrays;

/**
 * What a checkpoint says about one tensor before any data is read.
 *
 * @param name  the tensor's name as the file gives it
 * @param dtype the stored element type
 * @param shape the shape, outermost dimension first; empty for a scalar
 */
public record TensorInfo(String name, DType dtype, long[] shape) {

    /**
     * Copies {@code shape}, so the record stays immutable.
     *
     * @param name  the tensor's name as the file gives it
     * @param dtype the stored element type
     * @param shape the shape, outermost dimension first; empty for a scalar
     */
    public TensorInfo {
        shape = shape.clone();
    }

    /**
     * The shape, outermost dimension first.
     *
     * @return a copy of the shape; empty for a scalar
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements (1 for a scalar).
     *
     * @return the product of the dimensions
     */
    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /**
     * The shape as {@code [a, b]}, for error messages.
     *
     * @return the dimensions in brackets
     */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString();
    }
}

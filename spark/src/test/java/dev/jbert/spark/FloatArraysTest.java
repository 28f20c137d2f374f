package dev.jbert.spark;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatArraysTest {

    private static INDArray counting(long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) values[i] = i + 1;
        return Nd4j.createFromArray(values).reshape(shape);
    }

    @Test
    void valuesAreRowMajorWhateverTheArraysLayout() {
        INDArray c = counting(3, 4);
        float[] expected = c.data().asFloat();
        assertArrayEquals(expected, FloatArrays.of(c, 1f));
        assertArrayEquals(expected, FloatArrays.of(c.dup('f'), 1f), "column-major");
        assertArrayEquals(expected, FloatArrays.of(c.castTo(DataType.DOUBLE), 1f), "float64");
        INDArray rows = counting(4, 4).get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        assertArrayEquals(rows.dup('c').data().asFloat(), FloatArrays.of(rows, 1f), "a view at an offset");
        INDArray columns = counting(3, 6).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 6));
        assertArrayEquals(columns.dup('c').data().asFloat(), FloatArrays.of(columns, 1f), "a strided view");
        float[] halved = FloatArrays.of(c, 0.5f);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i] * 0.5f, halved[i]);
    }

    @Test
    void valuesGoBackInPlaceAndIntoNewArraysOfTheSameShapeAndType() {
        INDArray source = counting(2, 3);
        float[] values = FloatArrays.of(source, 1f);
        INDArray target = Nd4j.zeros(DataType.FLOAT, 2, 3);
        FloatArrays.assign(target, values);
        assertEquals(source, target);
        INDArray columnMajor = Nd4j.create(DataType.FLOAT, new long[]{2, 3}, 'f');
        FloatArrays.assign(columnMajor, values);
        assertEquals(source, columnMajor.dup('c'));
        INDArray doubles = FloatArrays.shapedLike(values, Nd4j.zeros(DataType.DOUBLE, 2, 3));
        assertEquals(DataType.DOUBLE, doubles.dataType());
        assertEquals(source.castTo(DataType.DOUBLE), doubles);
    }

    @Test
    void tooFewOrTooManyValuesAreRefused() {
        INDArray target = Nd4j.zeros(DataType.FLOAT, 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> FloatArrays.assign(target, new float[5]));
        assertTrue(e.getMessage().contains("5 values for an array of 6 elements"), e.getMessage());
    }
}

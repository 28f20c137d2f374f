package dev.jbert.spark;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/** Named arrays to and from plain float32 values, which Spark serialises without ND4J. */
final class FloatArrays {

    private FloatArrays() {
    }

    /** Each array's values, as {@link #of(INDArray, float)} gives them. */
    static Map<String, float[]> of(Map<String, INDArray> arrays, float factor) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, of(a, factor)));
        return out;
    }

    /** The array's values in row-major order, scaled by {@code factor} (1 copies them exactly). */
    static float[] of(INDArray array, float factor) {
        float[] values = array.castTo(DataType.FLOAT).reshape(array.length()).toFloatVector();
        if (factor != 1f) for (int i = 0; i < values.length; i++) values[i] *= factor;
        return values;
    }

    /** Values as an array shaped and typed like {@code like}. */
    static INDArray shapedLike(float[] values, INDArray like) {
        return Nd4j.createFromArray(values).reshape(like.shape()).castTo(like.dataType());
    }
}

package dev.jbert.spark;

import dev.jbert.core.nn.ReadBack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named arrays to and from plain float32 values, which Spark serialises without ND4J. Copies go through the
 * arrays' native memory in bulk: ND4J's own {@code toFloatVector} and {@code createFromArray} move one element at a
 * time, which at base cost more than the serialisation itself. Every copy is a {@link ReadBack} of use
 * {@link ReadBack.Use#REPLICAS}.
 */
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
        float[] values = new float[Math.toIntExact(array.length())];
        ReadBack.buffer(contiguousFloat(array), ReadBack.Use.REPLICAS).get(0, values);
        if (factor != 1f) for (int i = 0; i < values.length; i++) values[i] *= factor;
        return values;
    }

    /** Values as a new array shaped and typed like {@code like}. */
    static INDArray shapedLike(float[] values, INDArray like) {
        INDArray out = Nd4j.create(DataType.FLOAT, like.shape(), 'c');
        ReadBack.overwrite(out, values, ReadBack.Use.REPLICAS);
        return like.dataType() == DataType.FLOAT ? out : out.castTo(like.dataType());
    }

    /** {@code target = values} (row-major), in place. */
    static void assign(INDArray target, float[] values) {
        if (target.length() != values.length) {
            throw new IllegalArgumentException(values.length + " values for an array of " + target.length() + " elements");
        }
        if (isContiguousFloat(target)) {
            ReadBack.overwrite(target, values, ReadBack.Use.REPLICAS);
        } else {
            target.assign(shapedLike(values, target));
        }
    }

    /**
     * Frees the arrays' native memory now. A step's or round's transient copies are hundreds of MB at base, and left
     * to the garbage collector they piled up: a 10 GB-heap JVM passed 20 GB resident in the bench.
     */
    static void close(Collection<INDArray> arrays) {
        for (INDArray a : arrays) if (a.closeable()) a.close();
    }

    private static INDArray contiguousFloat(INDArray array) {
        return isContiguousFloat(array) ? array : array.castTo(DataType.FLOAT).dup('c');
    }

    private static boolean isContiguousFloat(INDArray array) {
        return array.dataType() == DataType.FLOAT && (array.length() <= 1 || (array.ordering() == 'c' && array.elementWiseStride() == 1));
    }
}

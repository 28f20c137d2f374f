package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * ND4J's {@code matmul} op on 2-D row-major arrays of the lower-precision types its oneDNN build multiplies fast:
 * bfloat16×bfloat16→bfloat16 and uint8×int8→int32 (ND4J-NOTES, "Lower precision": bfloat16 inputs with a float32
 * output are refused, and the other 8-bit combinations miss the VNNI kernel). Float32 products go through
 * {@code Nd4j.gemm}, which takes an accumulating β this op lacks.
 */
final class MatMul {

    private MatMul() {
    }

    /** {@code c = op(a)·op(b)}, {@code op} transposing where asked; {@code c} is written whole. */
    static void product(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
        long rows = transposeA ? a.size(1) : a.size(0), inner = transposeA ? a.size(0) : a.size(1);
        long innerB = transposeB ? b.size(1) : b.size(0), cols = transposeB ? b.size(0) : b.size(1);
        if (inner != innerB || c.size(0) != rows || c.size(1) != cols) {
            throw new IllegalArgumentException("matmul of " + describe(a, transposeA) + " and " + describe(b, transposeB) + " into "
                    + describe(c, false) + ": shapes do not agree");
        }
        long t = Profiler.start();
        try {
            Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(c)
                    .addIntegerArguments(transposeA ? 1 : 0, transposeB ? 1 : 0, 0).build());
            Profiler.stop(Profiler.Section.LINEAR, t);
        } catch (RuntimeException e) {
            throw new IllegalStateException("ND4J's matmul refused " + describe(a, transposeA) + " × " + describe(b, transposeB) + " → "
                    + describe(c, false) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(INDArray a, boolean transposed) {
        return a.dataType() + Arrays.toString(a.shape()) + (transposed ? "ᵀ" : "");
    }
}

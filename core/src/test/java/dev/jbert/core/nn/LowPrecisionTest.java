package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeBackend;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bf16 and int8 Linear products against references written out here in double precision: the same roundings and
 * quantizations, then exact sums. Where the machine lacks the instructions the product tests are skipped, with why.
 */
class LowPrecisionTest {

    /** One bfloat16 step relative to the value: 8 significant bits, so a rounding is within 2⁻⁹ and a step is 2⁻⁸. */
    private static final double BF16_STEP = 1.0 / 256;

    private final Random random = new Random(11);

    /** torch's float → bfloat16: round to nearest, ties to even. */
    private static float bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        bits = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(bits);
    }

    private static double[][] matrix(INDArray a, boolean roundToBf16) {
        int r = (int) a.size(0), c = (int) a.size(1);
        float[] v = a.dup('c').data().asFloat();
        double[][] m = new double[r][c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i][j] = roundToBf16 ? bf16(v[i * c + j]) : v[i * c + j];
        return m;
    }

    /** {@code a·bᵀ} in double. */
    private static double[][] productTransposed(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double s = 0;
                for (int k = 0; k < a[i].length; k++) s += a[i][k] * b[j][k];
                out[i][j] = s;
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
        return t;
    }

    /** max |actual - expected| over the largest |expected|. */
    private static double relative(double[][] expected, INDArray actual) {
        double[][] got = matrix(actual, false);
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                worst = Math.max(worst, Math.abs(got[i][j] - expected[i][j]));
                scale = Math.max(scale, Math.abs(expected[i][j]));
            }
        }
        return worst / scale;
    }

    @Test
    void roundingToBf16IsToNearestEvenAsTorchRounds() {
        float[] values = {1.00390625f, 1.01171875f, 1f + 1f / 256 + 1f / 65536, -3.14159f, 65504f, 1e-30f, 0f, -0f};
        INDArray x = Nd4j.createFromArray(values), low = Nd4j.create(DataType.BFLOAT16, values.length), back = x.ulike();
        Bf16.round(x, low);
        Bf16.widen(low, back);
        float[] expected = new float[values.length];
        for (int i = 0; i < values.length; i++) expected[i] = bf16(values[i]);
        assertArrayEquals(expected, back.data().asFloat());
        INDArray sum = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
        Bf16.addTo(low, sum);
        for (int i = 0; i < values.length; i++) assertEquals(i + 1 + expected[i], sum.getFloat(i), 0f, "element " + i);
        assertThrows(IllegalArgumentException.class, () -> Bf16.addTo(low, Nd4j.create(DataType.FLOAT, 3)));
        assertThrows(IllegalArgumentException.class, () -> Bf16.round(x, Nd4j.create(DataType.FLOAT, values.length)));
    }

    @Test
    void bf16LinearMultipliesRoundedInputsForwardAndBackward() {
        assumeTrue(PrecisionSupport.supported(Precision.BF16), "bf16 is not supported on this machine");
        INDArray w = Reference.randn(random, 0.5, 24, 40), b = Reference.randn(random, 0.5, 24);
        INDArray x = Reference.randn(random, 1, 33, 40), dy = Reference.randn(random, 1, 33, 24);
        PrecisionPolicy policy = new PrecisionPolicy();
        policy.forTraining(Precision.BF16);
        Linear linear = new Linear("l", w, b, policy, KernelSet.HOST.kernels());
        INDArray y = linear.forwardWithoutBias(x);
        double[][] wb = matrix(w, true), xb = matrix(x, true), dyb = matrix(dy, true);
        assertTrue(relative(productTransposed(xb, wb), y) < BF16_STEP, "y = bf16(bf16(x)·bf16(W)ᵀ)");

        Map<String, INDArray> grads = new HashMap<>();
        INDArray dW = w.ulike().assign(1);
        grads.put("l.weight", dW);
        INDArray into = x.ulike().assign(2);
        linear.backward(dy, into, true, Pass.training(0, grads));
        double[][] expectedDw = productTransposed(transpose(dyb), transpose(xb));
        for (double[] row : expectedDw) for (int j = 0; j < row.length; j++) row[j] += 1;
        assertTrue(relative(expectedDw, dW) < BF16_STEP, "dW += bf16(bf16(dy)ᵀ·bf16(x))");
        double[][] expectedDx = productTransposed(dyb, transpose(wb));
        for (double[] row : expectedDx) for (int j = 0; j < row.length; j++) row[j] += 2;
        assertTrue(relative(expectedDx, into) < BF16_STEP, "dx added to what the input's gradient held");
    }

    @Test
    void int8LinearIsTheQuantizedProductRescaled() {
        assumeTrue(PrecisionSupport.supported(Precision.INT8), "int8 is not supported on this machine");
        int out = 24, in = 40, rows = 33;
        INDArray w = Reference.randn(random, 0.5, out, in);
        INDArray x = Reference.randn(random, 1, rows, in).addi(0.3);
        PrecisionPolicy policy = new PrecisionPolicy();
        Linear linear = new Linear("l", w, null, policy, KernelSet.HOST.kernels());
        policy.forInference(Precision.INT8);
        INDArray y = linear.forwardWithoutBias(x);

        // the reference: symmetric int8 weights per output channel, uint8 inputs per row over [min(0, x), max(0, x)],
        // levels rounded half up, then the exact sum of the dequantized values
        double[][] wm = matrix(w, false), xm = matrix(x, false);
        double[][] wq = new double[out][in], xq = new double[rows][in];
        for (int c = 0; c < out; c++) {
            double max = 0;
            for (double v : wm[c]) max = Math.max(max, Math.abs(v));
            float scale = (float) max / 127f;
            for (int k = 0; k < in; k++) wq[c][k] = scale * Math.max(-127, Math.min(127, Math.round((float) wm[c][k] * (1f / scale))));
        }
        for (int r = 0; r < rows; r++) {
            float lo = 0, hi = 0;
            for (double v : xm[r]) {
                lo = Math.min(lo, (float) v);
                hi = Math.max(hi, (float) v);
            }
            float scale = (hi - lo) / 255f, inverse = 1f / scale;
            float zero = Math.max(0, Math.min(255, Math.round(-lo * inverse)));
            for (int k = 0; k < in; k++) {
                int level = (int) Math.max(0.5f, Math.min(255.5f, (float) xm[r][k] * inverse + (zero + 0.5f)));
                xq[r][k] = scale * (level - zero);
            }
        }
        double[][] expected = productTransposed(xq, wq);
        assertTrue(relative(expected, y) < 1e-5, "the dequantized product, to float32 rounding: " + relative(expected, y));
        assertTrue(relative(productTransposed(xm, wm), y) < 0.02, "and near the float32 product: " + relative(productTransposed(xm, wm), y));
        assertTrue(policy.copyBytes() >= (long) out * in, "the int8 weight is kept");
        assertThrows(IllegalStateException.class, () -> linear.backward(Reference.randn(random, 1, rows, out), Pass.training(0, new HashMap<>())),
                "int8 has no backward pass");
    }

    @Test
    void anInferenceModelCanFreeItsFloat32WeightsAndKeepsComputingFromTheCopies() {
        assumeTrue(PrecisionSupport.supported(Precision.INT8), "int8 is not supported on this machine");
        INDArray w = Reference.randn(random, 0.5, 6, 10), x = Reference.randn(random, 1, 4, 10);
        PrecisionPolicy policy = new PrecisionPolicy();
        Linear linear = new Linear("l", w, null, policy, KernelSet.HOST.kernels());
        assertThrows(IllegalStateException.class, policy::releaseMasters, "a trainable model keeps its weights");
        policy.forInference(Precision.INT8);
        INDArray before = linear.forwardWithoutBias(x).dup();
        policy.releaseMasters();
        assertTrue(w.wasClosed());
        assertEquals(before, linear.forwardWithoutBias(x));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> policy.forInference(Precision.FP32));
        assertTrue(e.getMessage().contains("load it again"), e.getMessage());
    }

    @Test
    void aModelPreparedForInferenceRefusesToTrain() {
        PrecisionPolicy policy = new PrecisionPolicy();
        assertThrows(IllegalArgumentException.class, () -> policy.forTraining(Precision.INT8));
        policy.forInference(Precision.BF16);
        IllegalStateException e = assertThrows(IllegalStateException.class, policy::requireTrainable);
        assertTrue(e.getMessage().contains("bf16"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> policy.forTraining(Precision.BF16));
        policy.forInference(Precision.FP32);
        policy.requireTrainable();
        assertEquals(Precision.BF16, Precision.of(" BF16 "));
        assertThrows(IllegalArgumentException.class, () -> Precision.of("fp16"));
    }

    @Test
    void aPrecisionWithoutItsInstructionsIsRefusedNamingWhatIsMissing() {
        NativeBackend.Status oneDnn = new NativeBackend.Status(NativeBackend.Build.AVX512, "test", "AVX-512 + oneDNN", true, true, 2);
        assertTrue(PrecisionSupport.problem(Precision.FP32, Set.of(), oneDnn, KernelSet.HOST).isEmpty());
        assertTrue(PrecisionSupport.problem(Precision.BF16, Set.of("avx512_bf16"), oneDnn, KernelSet.HOST).isEmpty());
        assertTrue(PrecisionSupport.problem(Precision.INT8, Set.of("avx_vnni"), oneDnn, KernelSet.HOST).isEmpty());
        String bf16 = PrecisionSupport.problem(Precision.BF16, Set.of("avx512f", "avx512_vnni"), oneDnn, KernelSet.HOST).orElseThrow();
        assertTrue(bf16.contains("avx512_bf16") && bf16.contains("use fp32"), bf16);
        String int8 = PrecisionSupport.problem(Precision.INT8, Set.of("avx512f"), oneDnn, KernelSet.HOST).orElseThrow();
        assertTrue(int8.contains("avx512_vnni") && int8.contains("VNNI"), int8);
        NativeBackend.Status generic = new NativeBackend.Status(NativeBackend.Build.GENERIC, "test", "generic x86-64", true, false, 2);
        String build = PrecisionSupport.problem(Precision.INT8, Set.of("avx512_vnni"), generic, KernelSet.HOST).orElseThrow();
        assertTrue(build.contains("oneDNN") && build.contains("generic x86-64"), build);
        NativeBackend.Status gpu = new NativeBackend.Status(null, "test", "CUDA", false, false, 2);
        assertTrue(PrecisionSupport.problem(Precision.BF16, Set.of("avx512_bf16"), gpu, KernelSet.DEVICE).orElseThrow().contains("CPU backend"));
        String device = PrecisionSupport.problem(Precision.BF16, Set.of("avx512_bf16"), oneDnn, KernelSet.DEVICE).orElseThrow();
        assertTrue(device.contains("host kernels"), device);
    }
}

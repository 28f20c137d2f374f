package dev.jbert.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attention, with each kernel set, against a double-precision reference written out head by head: the context within
 * 1e-5, the gradients of Q, K and V within 1e-4 relative, with padding and with dropout on the probabilities.
 */
class ScaledDotProductAttentionTest {

    private record Reference3(double[] context, double[] dq, double[] dk, double[] dv) {
    }

    /** Batch b of B, T positions, nh heads of hs; row b has {@code padded[b]} padded positions at its end. */
    /** {@code keep}: the dropout's multipliers for each element of {@code [B, nh, T, T]}, or null for none. */
    private static Reference3 reference(INDArray q, INDArray k, INDArray v, INDArray dCtx, int[] padded, int nh, int hs, int t,
                                        float[] keepMask) {
        int b = padded.length, h = nh * hs;
        double[] qs = Reference.doubles(q), ks = Reference.doubles(k), vs = Reference.doubles(v), g = Reference.doubles(dCtx);
        double[] ctx = new double[b * t * h], dq = new double[b * t * h], dk = new double[b * t * h], dv = new double[b * t * h];
        double scale = 1 / Math.sqrt(hs);
        for (int bi = 0; bi < b; bi++) {
            for (int head = 0; head < nh; head++) {
                double[][] p = new double[t][t], kept = new double[t][t];
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double s = 0;
                        for (int d = 0; d < hs; d++) s += qs[(bi * t + i) * h + head * hs + d] * ks[(bi * t + j) * h + head * hs + d];
                        p[i][j] = j >= t - padded[bi] ? Double.NEGATIVE_INFINITY : s * scale;
                        max = Math.max(max, p[i][j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) sum += p[i][j] = Math.exp(p[i][j] - max);
                    for (int j = 0; j < t; j++) {
                        p[i][j] /= sum;
                        int index = ((bi * nh + head) * t + i) * t + j;
                        double keep = keepMask == null ? 1 : keepMask[index];
                        kept[i][j] = p[i][j] * keep;
                    }
                }
                for (int i = 0; i < t; i++) {
                    for (int d = 0; d < hs; d++) {
                        double c = 0;
                        for (int j = 0; j < t; j++) c += kept[i][j] * vs[(bi * t + j) * h + head * hs + d];
                        ctx[(bi * t + i) * h + head * hs + d] = c;
                    }
                }
                // backward: dKept = dC·Vᵀ, dV = Keptᵀ·dC, dP = dKept·mask, dS = P ⊙ (dP − Σ dP·P)
                for (int i = 0; i < t; i++) {
                    double[] dp = new double[t];
                    for (int j = 0; j < t; j++) {
                        double s = 0;
                        for (int d = 0; d < hs; d++) s += g[(bi * t + i) * h + head * hs + d] * vs[(bi * t + j) * h + head * hs + d];
                        dp[j] = s * (p[i][j] == 0 ? 0 : kept[i][j] / p[i][j]);
                    }
                    double dot = 0;
                    for (int j = 0; j < t; j++) dot += dp[j] * p[i][j];
                    for (int j = 0; j < t; j++) {
                        double ds = p[i][j] * (dp[j] - dot) * scale;
                        for (int d = 0; d < hs; d++) {
                            dq[(bi * t + i) * h + head * hs + d] += ds * ks[(bi * t + j) * h + head * hs + d];
                            dk[(bi * t + j) * h + head * hs + d] += ds * qs[(bi * t + i) * h + head * hs + d];
                        }
                    }
                    for (int j = 0; j < t; j++) {
                        for (int d = 0; d < hs; d++) dv[(bi * t + j) * h + head * hs + d] += kept[i][j] * g[(bi * t + i) * h + head * hs + d];
                    }
                }
            }
        }
        return new Reference3(ctx, dq, dk, dv);
    }

    private static void assertClose(double[] expected, INDArray actual, double relative, String what) {
        double d = Reference.maxAbsDiff(expected, actual), scale = Math.max(1, Reference.maxAbs(expected));
        assertTrue(d <= relative * scale, what + ": max |Δ| " + d + " against a scale of " + scale);
    }

    @ParameterizedTest
    @CsvSource({"HOST, 2, 3, 4, 7, 0.0", "HOST, 3, 2, 8, 13, 0.0", "HOST, 2, 3, 4, 9, 0.2",
            "DEVICE, 2, 3, 4, 7, 0.0", "DEVICE, 3, 2, 8, 13, 0.0", "DEVICE, 2, 3, 4, 9, 0.2"})
    void matchesTheReferenceWithPaddingAndDropout(KernelSet kernels, int batch, int heads, int headSize, int seq, double p) {
        Random random = new Random(batch * 100 + seq);
        int h = heads * headSize;
        INDArray q = Reference.randn(random, 1, batch * seq, h), k = Reference.randn(random, 1, batch * seq, h);
        INDArray v = Reference.randn(random, 1, batch * seq, h), dCtx = Reference.randn(random, 1, batch * seq, h);
        int[] padded = new int[batch];
        int[][] mask = new int[batch][seq];
        for (int b = 0; b < batch; b++) {
            padded[b] = b % 2 == 0 ? 0 : Math.min(seq - 1, 3);
            for (int j = 0; j < seq; j++) mask[b][j] = j < seq - padded[b] ? 1 : 0;
        }
        Dropout dropout = new Dropout(p, 2, kernels.kernels());
        Pass pass = Pass.training(31, Map.of());
        ScaledDotProductAttention attention = new ScaledDotProductAttention(heads, headSize, dropout,
                Kernels.AttentionOptions.standard(headSize), kernels.kernels());
        INDArray ctx = attention.forward(q, k, v, AttentionMask.of(mask), pass);
        // the mask the pass drew: the same dropout applied to ones of the probabilities' shape in the same pass
        INDArray ones = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, heads, seq, seq), drawn = ones.ulike();
        dropout.apply(ones, drawn, pass);
        Reference3 e = reference(q, k, v, dCtx, padded, heads, headSize, seq, drawn.dup().data().asFloat());
        assertClose(e.context(), ctx, 1e-5, "context");
        attention.backward(dCtx, pass);
        assertClose(e.dq(), attention.queryGradient(), 1e-4, "dQ");
        assertClose(e.dk(), attention.keyGradient(), 1e-4, "dK");
        assertClose(e.dv(), attention.valueGradient(), 1e-4, "dV");
    }

    @ParameterizedTest
    @CsvSource({"HOST, 2, 5", "HOST, 1, 1", "DEVICE, 2, 5", "DEVICE, 1, 1"})
    void paddedKeysGetNoAttention(KernelSet kernels, int batch, int seq) {
        Random random = new Random(3);
        INDArray x = Reference.randn(random, 1, batch * seq, 4);
        int[][] mask = new int[batch][seq];
        for (int[] row : mask) row[0] = 1;
        // every query attends to position 0 alone: its context is V's first row of its sequence
        INDArray ctx = new ScaledDotProductAttention(2, 2, new Dropout(0, 0, kernels.kernels()), Kernels.AttentionOptions.standard(2),
                kernels.kernels()).forward(x, x, x, AttentionMask.of(mask), Pass.inference());
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < seq; i++) {
                for (int d = 0; d < 4; d++) assertEquals(x.getFloat(b * seq, d), ctx.getFloat(b * seq + i, d), 1e-6);
            }
        }
    }

    /** The host set's inference goes by chunks of queries here; its training pass and the device set take whole rows. */
    @ParameterizedTest
    @CsvSource({"HOST, 2, 2, 4, 600, 8", "HOST, 1, 3, 2, 1000, 40", "DEVICE, 2, 2, 4, 120, 8"})
    void localAttentionMatchesTheWholeMaskedScores(KernelSet kernels, int batch, int heads, int headSize, int seq, int window) {
        Random random = new Random(seq + window);
        int h = heads * headSize;
        INDArray q = Reference.randn(random, 1, batch * seq, h), k = Reference.randn(random, 1, batch * seq, h);
        INDArray v = Reference.randn(random, 1, batch * seq, h);
        int[][] mask = new int[batch][seq];
        for (int b = 0; b < batch; b++) {
            // the second row is mostly padding, so queries far past its real tokens have no key in their window
            int real = b % 2 == 0 ? seq : seq / 3;
            for (int j = 0; j < real; j++) mask[b][j] = 1;
        }
        Kernels.AttentionOptions local = Kernels.AttentionOptions.standard(headSize).withWindow(window);
        ScaledDotProductAttention host = new ScaledDotProductAttention(heads, headSize, new Dropout(0, 0, KernelSet.HOST.kernels()), local,
                KernelSet.HOST.kernels());
        INDArray whole = host.forward(q, k, v, AttentionMask.of(mask), Pass.training(1, Map.of())).dup();
        ScaledDotProductAttention attention = new ScaledDotProductAttention(heads, headSize, new Dropout(0, 0, kernels.kernels()), local,
                kernels.kernels());
        INDArray inference = attention.forward(q, k, v, AttentionMask.of(mask), Pass.inference());
        double d = Reference.maxAbsDiff(Reference.doubles(whole), inference);
        assertTrue(d < 1e-5, kernels + " local attention differs from the whole masked scores by " + d);
    }
}

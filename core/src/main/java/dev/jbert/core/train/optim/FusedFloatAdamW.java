package dev.jbert.core.train.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * {@link AdamW}'s update for contiguous float32 arrays in one pass over the memory instead of a dozen
 * array operations (the optimizer is memory-bound, and took about a tenth of a BERT-base training step that way). Every
 * operation is the float32 operation the array path performs, in the same order, with the scalars
 * rounded to float32 as ND4J rounds them, so both paths give the same bits.
 */
final class FusedFloatAdamW {

    private static final int CHUNK = 1 << 15;

    private FusedFloatAdamW() {
    }

    /** Whether every array is a whole, contiguous float32 buffer of its own. */
    static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.isView() || a.ordering() != 'c' || a.data().length() != a.length()) return false;
        }
        return true;
    }

    /**
     * Updates {@code param}, {@code m} and {@code v} in place.
     *
     * @param decayFactor {@code 1 - lr·weight_decay}, or NaN for no decay
     */
    static void step(INDArray param, INDArray grad, INDArray m, INDArray v, double decayFactor, double beta1, double beta2,
                     double biasCorrection2Sqrt, double epsilon, double stepSize) {
        FloatBuffer p = param.data().asNioFloat(), g = grad.data().asNioFloat(), mm = m.data().asNioFloat(), vv = v.data().asNioFloat();
        boolean decay = !Double.isNaN(decayFactor);
        float fDecay = (float) decayFactor, oneMinusBeta1 = (float) (1 - beta1), oneMinusBeta2 = (float) (1 - beta2);
        float fBeta2 = (float) beta2, fBias2 = (float) biasCorrection2Sqrt, fEps = (float) epsilon, fStep = (float) stepSize;
        int n = (int) param.length();
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            FloatBuffer pc = p.duplicate(), gc = g.duplicate(), mc = mm.duplicate(), vc = vv.duplicate();
            for (int i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                float pi = pc.get(i), gi = gc.get(i), mi = mc.get(i), vi = vc.get(i);
                if (decay) pi = pi * fDecay;
                mi = mi + (gi - mi) * oneMinusBeta1;
                vi = vi * fBeta2 + (gi * oneMinusBeta2) * gi;
                float denominator = (float) Math.sqrt(vi) / fBias2 + fEps;
                pi = pi - (mi / denominator) * fStep;
                pc.put(i, pi);
                mc.put(i, mi);
                vc.put(i, vi);
            }
        });
    }
}

package dev.jbert.core.train.optim;

import dev.jbert.core.nn.host.Floats;
import dev.jbert.core.nn.host.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * {@link AdamW}'s update for contiguous float32 arrays in one pass over the memory instead of a dozen
 * array operations (the optimizer is memory-bound, and took about a tenth of a BERT-base training step that way). Every
 * operation is the float32 operation the array path performs, in the same order, with the scalars
 * rounded to float32 as ND4J rounds them, so both paths give the same bits. The arithmetic runs on heap copies
 * of cache-sized chunks, where the JIT vectorises it.
 */
final class FusedFloatAdamW {

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
        FloatBuffer p = Floats.of(param), g = Floats.of(grad), mm = Floats.of(m), vv = Floats.of(v);
        boolean decay = !Double.isNaN(decayFactor);
        float fDecay = decay ? (float) decayFactor : 1f, oneMinusBeta1 = (float) (1 - beta1), oneMinusBeta2 = (float) (1 - beta2);
        float fBeta2 = (float) beta2, fBias2 = (float) biasCorrection2Sqrt, fEps = (float) epsilon, fStep = (float) stepSize;
        int n = (int) param.length();
        Parallel.range((n + Floats.CHUNK - 1) / Floats.CHUNK, 1, (from, to) -> {
            float[] pc = Floats.scratch(0, Floats.CHUNK), gc = Floats.scratch(1, Floats.CHUNK);
            float[] mc = Floats.scratch(2, Floats.CHUNK), vc = Floats.scratch(3, Floats.CHUNK);
            for (int c = from; c < to; c++) {
                int at = c * Floats.CHUNK, len = Math.min(Floats.CHUNK, n - at);
                p.get(at, pc, 0, len);
                g.get(at, gc, 0, len);
                mm.get(at, mc, 0, len);
                vv.get(at, vc, 0, len);
                if (decay) for (int i = 0; i < len; i++) pc[i] = pc[i] * fDecay;
                for (int i = 0; i < len; i++) {
                    float gi = gc[i];
                    float mi = mc[i] + (gi - mc[i]) * oneMinusBeta1;
                    float vi = vc[i] * fBeta2 + (gi * oneMinusBeta2) * gi;
                    float denominator = (float) Math.sqrt(vi) / fBias2 + fEps;
                    pc[i] = pc[i] - (mi / denominator) * fStep;
                    mc[i] = mi;
                    vc[i] = vi;
                }
                p.put(at, pc, 0, len);
                mm.put(at, mc, 0, len);
                vv.put(at, vc, 0, len);
            }
        });
    }
}

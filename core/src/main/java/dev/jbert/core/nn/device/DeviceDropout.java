package dev.jbert.core.nn.device;

import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Dropout masks drawn with ND4J's random generator, seeded from the pass's seed and the site, so a run is
 * reproducible from its seed; a mask is kept from the forward pass for the backward pass of the same
 * {@link Pass}. ND4J's {@code dropout} op is not used: it has no gradient and its CUDA kernel is slow (ND4J-NOTES).
 * The masks differ from the host kernels' hashed ones, so runs with dropout differ between the kernel sets by
 * their draws.
 */
final class DeviceDropout implements Kernels.DropoutKernel {

    private final double p;
    private final int site;
    private final float scale;
    private final Slot mask = new Slot();
    private Pass drawnFor;
    private long[] drawnShape;

    DeviceDropout(double p, int site) {
        this.p = p;
        this.site = site;
        this.scale = (float) (1.0 / (1.0 - p));
    }

    /** The device mask of a dropout site, for kernels that fold dropout into their own operations. */
    static DeviceDropout of(Dropout dropout) {
        if (dropout.kernel() instanceof DeviceDropout d) return d;
        throw new IllegalArgumentException("a device kernel was given a dropout of the " + dropout.kernel().getClass().getSimpleName()
                + " set: a model's modules must come from one kernel set");
    }

    @Override
    public void apply(INDArray in, INDArray out, Pass pass) {
        long t = Profiler.start();
        DeviceOps.multiply(in, mask(in.shape(), pass), out);
        Profiler.stop(Profiler.Section.DROPOUT, t);
    }

    /**
     * This pass's mask of {@code shape}: 0 where dropped, {@code 1/(1-p)} where kept. Drawn at the first call of a
     * pass, the same mask afterwards (the backward pass).
     */
    INDArray mask(long[] shape, Pass pass) {
        INDArray m = mask.get(shape);
        if (pass != drawnFor || !Arrays.equals(shape, drawnShape)) {
            Nd4j.getRandom().setSeed(seed(pass.dropoutSeed()));
            Nd4j.getExecutioner().exec(new BernoulliDistribution(m, 1 - p), Nd4j.getRandom());
            m.muli(scale);
            drawnFor = pass;
            drawnShape = shape.clone();
        }
        return m;
    }

    /** The pass's seed mixed with the site (splitmix64), so sites draw independent masks. */
    private long seed(long passSeed) {
        long z = passSeed + 0x9E3779B97F4A7C15L * (site + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

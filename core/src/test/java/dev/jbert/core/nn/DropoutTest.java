package dev.jbert.core.nn;

import dev.jbert.core.nn.host.HostDropout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout with each kernel set: rates, scaling, seeds and sites; the host set's hashed masks in detail. */
class DropoutTest {

    private static final int N = 200_003;

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void dropsAboutPAndScalesTheRestAsTorch(KernelSet kernels) {
        Dropout d = new Dropout(0.1, 0, kernels.kernels());
        INDArray x = Nd4j.ones(DataType.FLOAT, N), y = x.ulike();
        d.apply(x, y, Pass.training(5, Map.of()));
        float[] v = y.data().asFloat();
        int dropped = 0;
        for (float f : v) {
            if (f == 0) dropped++;
            else assertEquals(1 / 0.9f, f, 0f);
        }
        // binomial standard deviation at this size is about 0.0007
        assertEquals(0.1, dropped / (double) N, 0.004);
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void theMaskDependsOnTheSeedAndTheSiteAndIsTheSameForTheBackwardPass(KernelSet kernels) {
        Pass a = Pass.training(5, Map.of()), b = Pass.training(6, Map.of());
        Dropout site0 = new Dropout(0.5, 0, kernels.kernels()), site1 = new Dropout(0.5, 1, kernels.kernels());
        INDArray x = Nd4j.ones(DataType.FLOAT, 4096);
        INDArray first = x.ulike(), again = x.ulike(), otherSeed = x.ulike(), otherSite = x.ulike();
        site0.apply(x, first, a);
        site0.apply(x, again, a);
        site0.apply(x, otherSeed, b);
        site1.apply(x, otherSite, a);
        assertEquals(first, again);
        assertFalse(first.equals(otherSeed));
        assertFalse(first.equals(otherSite));
        INDArray replayed = x.ulike();
        Dropout fresh = new Dropout(0.5, 0, kernels.kernels());
        fresh.apply(x, replayed, Pass.training(5, Map.of()));
        assertEquals(first, replayed, "the same seed and site draw the same mask in another model");
    }

    @Test
    void theHostMaskDependsOnTheIndexOnly() {
        Pass a = Pass.training(5, Map.of());
        Dropout site0 = new Dropout(0.5, 0, KernelSet.HOST.kernels());
        INDArray x = Nd4j.ones(DataType.FLOAT, 4096), first = x.ulike();
        site0.apply(x, first, a);
        HostDropout masks = HostDropout.of(site0);
        for (int i = 0; i < 4096; i++) assertEquals(masks.keeps(a, i), first.getFloat(i) != 0, "element " + i);
    }

    @Test
    void aBlockAtAnyOffsetGetsTheWholeTensorsMask() {
        Dropout d = new Dropout(0.25, 3, KernelSet.HOST.kernels());
        HostDropout masks = HostDropout.of(d);
        Pass pass = Pass.training(17, Map.of());
        INDArray x = Nd4j.linspace(1, 10_000, 10_000, DataType.FLOAT), whole = x.ulike();
        d.apply(x, whole, pass);
        float[] all = x.data().asFloat(), expected = whole.data().asFloat();
        for (int base : new int[]{0, 1, 7, 4095, 4096, 5001}) {
            int len = Math.min(6000, all.length - base);
            float[] block = java.util.Arrays.copyOfRange(all, base, base + len);
            masks.apply(block, 0, len, base, masks.key(pass));
            for (int j = 0; j < len; j++) assertEquals(expected[base + j], block[j], 0f, "base " + base + " element " + j);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void evaluationAndZeroProbabilityLeaveTheInputAlone(KernelSet kernels) {
        INDArray x = Nd4j.linspace(1, 100, 100, DataType.FLOAT), y = x.ulike();
        new Dropout(0.5, 0, kernels.kernels()).apply(x, y, Pass.inference());
        assertEquals(x, y);
        new Dropout(0, 0, kernels.kernels()).apply(x, y, Pass.training(1, Map.of()));
        assertEquals(x, y);
        assertFalse(new Dropout(0, 0, kernels.kernels()).active(Pass.training(1, Map.of())));
    }

    @Test
    void aProbabilityOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, 0));
        assertTrue(new Dropout(0.999, 0).scale() > 999);
    }
}

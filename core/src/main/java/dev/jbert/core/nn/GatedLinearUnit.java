package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A gated feed-forward unit (GeGLU with GELU): the expansion's {@code [N, 2I]} output splits into an input half and
 * a gate half, as {@code Wi(x).chunk(2, dim=-1)} splits it, and the unit returns {@code act(input) ⊙ gate}.
 * Not thread-safe: every pass writes the module's own {@link Slot}s, so one pass at a time per model.
 */
public final class GatedLinearUnit {

    private final Activation act;
    private final Slot input = new Slot();
    private final Slot gate = new Slot();
    private final Slot activated = new Slot();
    private final Slot output = new Slot();
    private final Slot inputGradient = new Slot();
    private final Slot gateGradient = new Slot();

    /**
     * A unit with its own activation slots.
     *
     * @param act the activation on the input half (GELU)
     */
    public GatedLinearUnit(Activation act) {
        this.act = act;
    }

    /**
     * {@code x [N, 2I]} → {@code [N, I]} in this module's slot.
     *
     * @param x the expansion's output {@code [N, 2I]}: input half, then gate half
     * @return {@code act(input) ⊙ gate}, {@code [N, I]}, valid until this module runs again
     */
    public INDArray forward(INDArray x) {
        long n = x.size(0), width = x.size(1) / 2;
        INDArray in = input.get(n, width).assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width)));
        INDArray g = gate.get(n, width).assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval(width, 2 * width)));
        INDArray a = activated.get(n, width);
        act.forward(in, a);
        return output.get(n, width).assign(a).muli(g);
    }

    /**
     * The gradient of the last forward pass's input for {@code dy [N, I]}, which is overwritten.
     *
     * @param dy the output's gradient {@code [N, I]}, overwritten
     * @return the input's gradient {@code [N, 2I]}, in this module's slot
     */
    public INDArray backward(INDArray dy) {
        long n = dy.size(0), width = dy.size(1);
        INDArray a = activated.get(n, width), g = gate.get(n, width);
        INDArray dx = inputGradient.get(n, 2 * width);
        dx.get(NDArrayIndex.all(), NDArrayIndex.interval(width, 2 * width)).assign(gateGradient.get(n, width).assign(dy).muli(a));
        dy.muli(g);
        act.backward(input.get(n, width), a, dy, dy);
        dx.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width)).assign(dy);
        return dx;
    }

    /** Frees the native memory of this module's slots. */
    public void release() {
        for (Slot s : new Slot[]{input, gate, activated, output, inputGradient, gateGradient}) s.release();
    }
}

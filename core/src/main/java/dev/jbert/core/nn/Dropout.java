package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout as {@code torch.nn.Dropout}: in training each element is zeroed with probability p and the
 * rest are scaled by {@code 1/(1-p)}; in evaluation it is the identity. The masks are the kernel set's: on the host
 * a hash of the element's index, the site and the pass's seed, recomputed by the backward pass; on the device drawn
 * with ND4J's random generator from the same seed and site, and kept until the pass's backward has used them.
 *
 * <p>Thread safety follows the kernels: host masks are never stored, so a host Dropout may be shared; the device
 * kernels keep each pass's mask, so there it serves one pass at a time, like every module.
 */
public final class Dropout {

    private final double p;
    private final int site;
    private final Kernels.DropoutKernel kernel;

    /**
     * @param p       probability of zeroing, in [0, 1)
     * @param site    distinct per dropout in a model, so that masks are independent
     * @param kernels the model's kernel set
     */
    public Dropout(double p, int site, Kernels kernels) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.site = site;
        this.kernel = kernels.dropout(p, site);
    }

    /**
     * With the kernel set models are built with now ({@link KernelSet#active()}).
     *
     * @param p    probability of zeroing, in [0, 1)
     * @param site distinct per dropout in a model, so that masks are independent
     */
    public Dropout(double p, int site) {
        this(p, site, KernelSet.active().kernels());
    }

    /**
     * The probability of zeroing an element.
     *
     * @return p, in [0, 1)
     */
    public double p() {
        return p;
    }

    /**
     * 1/(1-p): what kept elements are multiplied by.
     *
     * @return {@code 1/(1-p)}
     */
    public float scale() {
        return (float) (1.0 / (1.0 - p));
    }

    /**
     * This dropout's site in its model.
     *
     * @return the site
     */
    public int site() {
        return site;
    }

    /**
     * The kernel that draws and applies the masks: kernels of the same set read it.
     *
     * @return the kernel
     */
    public Kernels.DropoutKernel kernel() {
        return kernel;
    }

    /**
     * Whether this pass drops anything here.
     *
     * @param pass the pass
     * @return whether it is a training pass and p is above 0
     */
    public boolean active(Pass pass) {
        return pass.training() && p > 0;
    }

    /**
     * {@code x = x ⊙ mask}, in place; nothing when {@link #active} is false.
     *
     * @param x    the tensor, changed in place
     * @param pass the pass, whose seed draws the mask
     */
    public void apply(INDArray x, Pass pass) {
        if (active(pass)) kernel.apply(x, x, pass);
    }

    /**
     * {@code out = in ⊙ mask}; the same call on a gradient is the backward pass. {@code out} may be {@code in}. Copies
     * when {@link #active} is false.
     *
     * @param in   the tensor, or its gradient in the backward pass
     * @param out  the result
     * @param pass the pass, whose seed draws the mask
     */
    public void apply(INDArray in, INDArray out, Pass pass) {
        if (active(pass)) kernel.apply(in, out, pass);
        else if (in != out) out.assign(in);
    }
}

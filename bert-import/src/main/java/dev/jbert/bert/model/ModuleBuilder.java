package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Activation;
import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.PrecisionPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads parameters by checkpoint key while an encoder's modules are built, remembers which are LayerNorm parameters
 * (the optimizer exempts them from weight decay, as Trainer does by module type) and numbers the dropout sites.
 *
 * <p>Not thread-safe: it collects parameters and counts dropout sites without synchronisation; build one encoder
 * per builder, on one thread.
 */
public final class ModuleBuilder {

    private final EncoderConfig config;
    private final Weights weights;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final Set<String> norms = new LinkedHashSet<>();
    private final PrecisionPolicy precision = new PrecisionPolicy();
    private final Kernels kernels = KernelSet.active().kernels();
    private int dropoutSites;

    /**
     * A builder for one encoder; its kernels are the ones active now ({@link KernelSet#active()}).
     *
     * @param config  the encoder's config, which the modules read their sizes from
     * @param weights where the parameters come from
     */
    public ModuleBuilder(EncoderConfig config, Weights weights) {
        this.config = config;
        this.weights = weights;
    }

    /**
     * The config the modules are built for.
     *
     * @return the encoder's config
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * Whether the checkpoint holds {@code name} (optional modules such as the pooler).
     *
     * @param name a checkpoint key
     * @return whether the weights hold it
     */
    public boolean has(String name) {
        return weights.has(name);
    }

    /**
     * Reads a parameter and records it among the encoder's parameters.
     *
     * @param name  the parameter's checkpoint key
     * @param shape its shape as PyTorch stores it
     * @return the float32 parameter
     */
    public INDArray param(String name, long... shape) {
        INDArray p = weights.get(name, shape);
        parameters.put(name, p);
        return p;
    }

    /**
     * A Linear with a bias: {@code prefix.weight [out, in]} and {@code prefix.bias [out]}.
     *
     * @param prefix the module's checkpoint key, e.g. {@code bert.pooler.dense}
     * @param in     input features
     * @param out    output features
     * @return the Linear
     */
    public Linear linear(String prefix, int in, int out) {
        return linear(prefix, in, out, true);
    }

    /**
     * A Linear, without {@code prefix.bias} when {@code bias} is false ({@code nn.Linear(bias=False)}).
     *
     * @param prefix the module's checkpoint key
     * @param in     input features
     * @param out    output features
     * @param bias   whether the Linear has {@code prefix.bias}
     * @return the Linear, with weight {@code [out, in]}
     */
    public Linear linear(String prefix, int in, int out, boolean bias) {
        return new Linear(prefix, param(prefix + ".weight", out, in), bias ? param(prefix + ".bias", out) : null, precision, kernels);
    }

    /**
     * A second Linear over tensors another module already holds (DeBERTa's shared attention key).
     *
     * @param prefix the checkpoint key the gradients go under, the owner's own so that both uses add into one
     *               gradient; no parameter is read or recorded
     * @param owner  the Linear whose weight and bias it uses
     * @return a Linear with its own buffers over {@code owner}'s parameters
     */
    public Linear sharedLinear(String prefix, Linear owner) {
        return new Linear(prefix, owner.weight(), owner.bias(), precision, kernels);
    }

    /**
     * The kernels every module of the model computes with, chosen when the builder was made
     * ({@link KernelSet#active()}).
     *
     * @return the model's kernels
     */
    public Kernels kernels() {
        return kernels;
    }

    /**
     * An activation applied with the model's kernels.
     *
     * @param function the activation function
     * @return the activation module
     */
    public Activation activation(ActivationFunction function) {
        return new Activation(function, kernels);
    }

    /**
     * The precision every Linear of the model multiplies in.
     *
     * @return the policy all the builder's Linears share
     */
    public PrecisionPolicy precision() {
        return precision;
    }

    /**
     * A LayerNorm with a bias, with the config's {@code layer_norm_eps}; its parameters are marked as norm parameters.
     *
     * @param prefix the module's checkpoint key, e.g. {@code bert.embeddings.LayerNorm}
     * @param width  the normalised width
     * @return the LayerNorm
     */
    public LayerNorm layerNorm(String prefix, int width) {
        return layerNorm(prefix, width, true);
    }

    /**
     * A LayerNorm, without {@code prefix.bias} when {@code bias} is false ({@code nn.LayerNorm(bias=False)}).
     *
     * @param prefix the module's checkpoint key
     * @param width  the normalised width
     * @param bias   whether the LayerNorm has {@code prefix.bias}
     * @return the LayerNorm, with the config's {@code layer_norm_eps}
     */
    public LayerNorm layerNorm(String prefix, int width, boolean bias) {
        LayerNorm norm = new LayerNorm(prefix, param(prefix + ".weight", width), bias ? param(prefix + ".bias", width) : null,
                config.layerNormEps(), kernels);
        norms.add(prefix + ".weight");
        if (bias) norms.add(prefix + ".bias");
        return norm;
    }

    /**
     * A dropout with the next site number, so each site draws its own masks.
     *
     * @param p the probability of dropping an element, in [0, 1)
     * @return the dropout
     */
    public Dropout dropout(double p) {
        return new Dropout(p, dropoutSites++, kernels);
    }

    Map<String, INDArray> parameters() {
        return parameters;
    }

    Set<String> norms() {
        return norms;
    }

    int dropoutSites() {
        return dropoutSites;
    }
}

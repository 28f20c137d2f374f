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
 */
public final class ModuleBuilder {

    private final EncoderConfig config;
    private final Weights weights;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final Set<String> norms = new LinkedHashSet<>();
    private final PrecisionPolicy precision = new PrecisionPolicy();
    private final Kernels kernels = KernelSet.active().kernels();
    private int dropoutSites;

    public ModuleBuilder(EncoderConfig config, Weights weights) {
        this.config = config;
        this.weights = weights;
    }

    public EncoderConfig config() {
        return config;
    }

    /** Whether the checkpoint holds {@code name} (optional modules such as the pooler). */
    public boolean has(String name) {
        return weights.has(name);
    }

    public INDArray param(String name, long... shape) {
        INDArray p = weights.get(name, shape);
        parameters.put(name, p);
        return p;
    }

    public Linear linear(String prefix, int in, int out) {
        return linear(prefix, in, out, true);
    }

    /** A Linear, without {@code prefix.bias} when {@code bias} is false ({@code nn.Linear(bias=False)}). */
    public Linear linear(String prefix, int in, int out, boolean bias) {
        return new Linear(prefix, param(prefix + ".weight", out, in), bias ? param(prefix + ".bias", out) : null, precision, kernels);
    }

    /** A second Linear over tensors another module already holds (DeBERTa's shared attention key). */
    public Linear sharedLinear(String prefix, Linear owner) {
        return new Linear(prefix, owner.weight(), owner.bias(), precision, kernels);
    }

    /** The kernels every module of the model computes with, chosen when the builder was made ({@link KernelSet#active()}). */
    public Kernels kernels() {
        return kernels;
    }

    /** An activation applied with the model's kernels. */
    public Activation activation(ActivationFunction function) {
        return new Activation(function, kernels);
    }

    /** The precision every Linear of the model multiplies in. */
    public PrecisionPolicy precision() {
        return precision;
    }

    public LayerNorm layerNorm(String prefix, int width) {
        return layerNorm(prefix, width, true);
    }

    /** A LayerNorm, without {@code prefix.bias} when {@code bias} is false ({@code nn.LayerNorm(bias=False)}). */
    public LayerNorm layerNorm(String prefix, int width, boolean bias) {
        LayerNorm norm = new LayerNorm(prefix, param(prefix + ".weight", width), bias ? param(prefix + ".bias", width) : null,
                config.layerNormEps(), kernels);
        norms.add(prefix + ".weight");
        if (bias) norms.add(prefix + ".bias");
        return norm;
    }

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

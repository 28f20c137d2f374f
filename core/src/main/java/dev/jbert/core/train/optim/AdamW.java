package dev.jbert.core.train.optim;

import dev.jbert.core.nn.KernelSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The AdamW optimizer exactly as {@code torch.optim.AdamW} (PyTorch 2.x, amsgrad and maximize off)
 * computes it, updating parameters in place. For each parameter, with its own step count t from 1:
 * <pre>
 *   param *= 1 - lr·weight_decay                 (only where the decay rule applies)
 *   m     += (1 - β1)·(g - m)                    (torch's lerp_, equal to β1·m + (1 - β1)·g)
 *   v      = β2·v + (1 - β2)·g·g
 *   param -= (lr / (1 - β1^t)) · m / (sqrt(v) / sqrt(1 - β2^t) + ε)
 * </pre>
 * ε is added after the bias-corrected square root, which is where torch differs from ND4J's own Adam.
 *
 * <p>Contiguous float32 parameters, the usual case, are updated in one fused pass
 * ({@link FusedFloatAdamW}, the same bits); others through array operations whose intermediates go
 * through one scratch buffer the size of the largest parameter, so that after a parameter's first
 * step no array is allocated. Not thread-safe.
 */
public final class AdamW {

    private final AdamWConfig config;
    private final Predicate<String> decays;
    private final boolean hostMemory;
    private final Map<String, Moments> moments = new HashMap<>();
    private final Map<DataType, INDArray> scratch = new EnumMap<>(DataType.class);
    private final Map<String, INDArray> scratchViews = new HashMap<>();

    /**
     * An optimizer with no state yet.
     *
     * @param config the hyperparameters
     * @param decays true for the names of parameters that get weight decay; see {@link #huggingFaceDecays(String)}
     */
    public AdamW(AdamWConfig config, Predicate<String> decays) {
        this(config, decays, KernelSet.HOST);
    }

    /**
     * An optimizer with no state yet, for parameters the given kernels compute with: on the host kernels a fused loop
     * over host memory updates them, on the device kernels ND4J operations only (the same operations in the same
     * order, so both give the same bits on the CPU).
     *
     * @param config  the hyperparameters
     * @param decays  true for the names of parameters that get weight decay
     * @param kernels the kernel set the parameters live in
     */
    public AdamW(AdamWConfig config, Predicate<String> decays, KernelSet kernels) {
        if (config == null || decays == null || kernels == null) {
            throw new IllegalArgumentException("config, decays and kernels must not be null");
        }
        this.config = config;
        this.decays = decays;
        this.hostMemory = kernels == KernelSet.HOST;
    }

    /**
     * Hugging Face Trainer's decay rule for BERT: no decay for biases and LayerNorm weights, decay for
     * everything else. Trainer finds LayerNorm parameters by module type; in BERT checkpoints they are
     * exactly the names containing {@code LayerNorm.weight} or {@code LayerNorm.bias}.
     *
     * @param parameterName the parameter's checkpoint name
     * @return whether weight decay applies to it
     */
    public static boolean huggingFaceDecays(String parameterName) {
        return !(parameterName.endsWith(".bias") || parameterName.equals("bias")
                || parameterName.contains("LayerNorm.weight") || parameterName.contains("LayerNorm.bias"));
    }

    /**
     * The hyperparameters.
     *
     * @return the hyperparameters
     */
    public AdamWConfig config() {
        return config;
    }

    /**
     * One optimizer step: updates every parameter that has a gradient, in place. Parameters without a
     * gradient are left alone and their step count does not advance, as torch skips a {@code None} grad.
     *
     * @param params       parameters by name, updated in place
     * @param grads        gradients by name, same shapes and data types as their parameters; not modified
     * @param learningRate this step's learning rate, {@code >= 0} (0 on the first warm-up step)
     * @throws IllegalArgumentException before anything is updated, if a gradient has no parameter or
     *                                  does not match it, or the learning rate is negative or not finite
     */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
        if (params == null || grads == null) {
            throw new IllegalArgumentException("params and grads must not be null");
        }
        // Check everything first, so a bad gradient cannot leave half of the model stepped.
        grads.forEach((name, grad) -> check(name, params.get(name), grad));
        ensureScratch(grads);
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            String name = e.getKey();
            INDArray param = params.get(name);
            update(param, e.getValue(), moments.computeIfAbsent(name, n -> Moments.zeros(param)),
                    scratchView(name, param), learningRate, decays.test(name));
        }
    }

    private void check(String name, INDArray param, INDArray grad) {
        if (param == null) {
            throw new IllegalArgumentException("gradient for '" + name + "', which is not among the parameters");
        }
        if (grad == null) {
            throw new IllegalArgumentException("gradient of '" + name + "' is null");
        }
        if (!param.dataType().isFPType() || grad.dataType() != param.dataType()) {
            throw new IllegalArgumentException("'" + name + "': parameter is " + param.dataType() + " and gradient is "
                    + grad.dataType() + "; expected both of the same floating-point type");
        }
        if (!Arrays.equals(param.shape(), grad.shape())) {
            throw new IllegalArgumentException("'" + name + "': gradient shape " + Arrays.toString(grad.shape())
                    + " differs from parameter shape " + Arrays.toString(param.shape()));
        }
        Moments state = moments.get(name);
        if (state != null && (!Arrays.equals(state.m.shape(), param.shape()) || state.m.dataType() != param.dataType())) {
            throw new IllegalArgumentException("'" + name + "': optimizer state is " + state.m.dataType()
                    + Arrays.toString(state.m.shape()) + " but the parameter is " + param.dataType()
                    + Arrays.toString(param.shape()));
        }
    }

    private void update(INDArray param, INDArray grad, Moments s, INDArray work, double lr, boolean decay) {
        s.step++;
        boolean decays = decay && config.weightDecay() != 0;
        double biasCorrection1 = 1 - Math.pow(config.beta1(), s.step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(config.beta2(), s.step));
        double stepSize = lr / biasCorrection1;
        if (hostMemory && FusedFloatAdamW.applies(param, grad, s.m, s.v)) {
            FusedFloatAdamW.step(param, grad, s.m, s.v, decays ? 1 - lr * config.weightDecay() : Double.NaN, config.beta1(),
                    config.beta2(), biasCorrection2Sqrt, config.epsilon(), stepSize);
            return;
        }
        if (decays) {
            param.muli(1 - lr * config.weightDecay());
        }
        // torch's lerp_(g, 1 - β1), computed as m + w·(g - m) as its kernel does for weights below 0.5.
        work.assign(grad).subi(s.m).muli(1 - config.beta1());
        s.m.addi(work);
        // torch's addcmul_ multiplies the scalar into the first factor: ((1 - β2)·g)·g.
        work.assign(grad).muli(1 - config.beta2()).muli(grad);
        s.v.muli(config.beta2()).addi(work);

        work.assign(s.v);
        Transforms.sqrt(work, false);
        work.divi(biasCorrection2Sqrt).addi(config.epsilon());
        // work = m / denom; torch scales m before dividing, a difference of at most one float rounding.
        work.rdivi(s.m).muli(stepSize);
        param.subi(work);
    }

    /** Grows the scratch buffer of each data type to the largest gradient of that type. */
    private void ensureScratch(Map<String, INDArray> grads) {
        Map<DataType, Long> needed = new EnumMap<>(DataType.class);
        grads.values().forEach(g -> needed.merge(g.dataType(), g.length(), Math::max));
        needed.forEach((type, length) -> {
            INDArray current = scratch.get(type);
            if (current == null || current.length() < length) {
                scratch.put(type, Nd4j.create(type, length));
                scratchViews.values().removeIf(view -> view.dataType() == type);
            }
        });
    }

    private INDArray scratchView(String name, INDArray param) {
        INDArray view = scratchViews.get(name);
        if (view == null || view.dataType() != param.dataType() || !Arrays.equals(view.shape(), param.shape())) {
            view = scratch.get(param.dataType()).get(NDArrayIndex.interval(0, param.length())).reshape('c', param.shape());
            scratchViews.put(name, view);
        }
        return view;
    }

    /**
     * A copy of the optimizer state, by parameter name in sorted order, for a checkpoint. Parameters
     * that have never been stepped have no entry.
     *
     * @return the state, copies of the moments
     */
    public Map<String, ParameterState> exportState() {
        Map<String, ParameterState> out = new TreeMap<>();
        moments.forEach((name, s) -> out.put(name, new ParameterState(s.step, s.m.dup(), s.v.dup())));
        return out;
    }

    /**
     * The optimizer state by parameter name in sorted order, as {@link #exportState()} gives it but without
     * copies: the arrays are the optimizer's own and change at its next step. For writing a checkpoint at once,
     * where copies would double the state's memory.
     *
     * @return the state, the optimizer's own moments
     */
    public Map<String, ParameterState> stateView() {
        Map<String, ParameterState> out = new TreeMap<>();
        moments.forEach((name, s) -> out.put(name, new ParameterState(s.step, s.m, s.v)));
        return out;
    }

    /**
     * Replaces all optimizer state with a copy of {@code state}, as exported by {@link #exportState()},
     * so that the next step continues exactly where the exporting optimizer stopped. Parameters absent
     * from {@code state} start afresh at their next step.
     *
     * @param state the state by parameter name, not null
     */
    public void importState(Map<String, ParameterState> state) {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        Map<String, Moments> copy = new HashMap<>();
        state.forEach((name, s) -> {
            if (s == null) {
                throw new IllegalArgumentException("state of '" + name + "' is null");
            }
            copy.put(name, new Moments(s.step(), s.expAvg().dup(), s.expAvgSq().dup()));
        });
        moments.clear();
        moments.putAll(copy);
    }

    /**
     * The saved state of one parameter. Not immutable: the moments are held as given, copies from
     * {@link AdamW#exportState()} but the optimizer's own arrays from {@link AdamW#stateView()}, which its next step
     * changes.
     *
     * @param step     optimizer steps this parameter has taken, {@code >= 1}
     * @param expAvg   first moment m ({@code exp_avg} in torch's state dict)
     * @param expAvgSq second moment v ({@code exp_avg_sq}), same shape and type as expAvg
     */
    public record ParameterState(long step, INDArray expAvg, INDArray expAvgSq) {

        /**
         * Validates the state.
         *
         * @param step     optimizer steps this parameter has taken, {@code >= 1}
         * @param expAvg   first moment m ({@code exp_avg} in torch's state dict)
         * @param expAvgSq second moment v ({@code exp_avg_sq}), same shape and type as expAvg
         * @throws IllegalArgumentException if {@code step < 1}, a moment is null, or the moments differ in shape or
         *                                  type
         */
        public ParameterState {
            if (step < 1) {
                throw new IllegalArgumentException("step must be at least 1, got " + step);
            }
            if (expAvg == null || expAvgSq == null) {
                throw new IllegalArgumentException("expAvg and expAvgSq must not be null");
            }
            if (!Arrays.equals(expAvg.shape(), expAvgSq.shape()) || expAvg.dataType() != expAvgSq.dataType()) {
                throw new IllegalArgumentException("expAvg is " + expAvg.dataType() + Arrays.toString(expAvg.shape())
                        + " but expAvgSq is " + expAvgSq.dataType() + Arrays.toString(expAvgSq.shape()));
            }
        }
    }

    /** Mutable per-parameter state; its arrays are updated in place. */
    private static final class Moments {
        long step;
        final INDArray m;
        final INDArray v;

        Moments(long step, INDArray m, INDArray v) {
            this.step = step;
            this.m = m;
            this.v = v;
        }

        static Moments zeros(INDArray param) {
            return new Moments(0, Nd4j.zeros(param.dataType(), param.shape()), Nd4j.zeros(param.dataType(), param.shape()));
        }
    }
}

package dev.jbert.core.train;

import dev.jbert.core.train.optim.ScheduleType;

import java.nio.file.Path;

/**
 * The training recipe, named and defaulted as transformers' {@code TrainingArguments} so a
 * Hugging Face user reads it at a glance. Validated on construction; build one with
 * {@link #builder(Path)}.
 *
 * @param outputDir                  where checkpoints ({@code checkpoint-N/}) and the final model go
 * @param numTrainEpochs             epochs, unless maxSteps is positive
 * @param maxSteps                   optimizer steps to run; overrides numTrainEpochs when > 0
 * @param learningRate               peak learning rate
 * @param weightDecay                AdamW's decoupled decay, not applied to biases and LayerNorm weights
 * @param adamBeta1                  AdamW β1
 * @param adamBeta2                  AdamW β2
 * @param adamEpsilon                AdamW ε
 * @param maxGradNorm                global-norm clipping threshold; 0 turns clipping off
 * @param gradientAccumulationSteps  micro-batches per optimizer step
 * @param lrSchedulerType            schedule after warm-up
 * @param warmupRatio                warm-up as a share of all steps (used when warmupSteps is 0)
 * @param warmupSteps                warm-up in steps
 * @param evalStrategy               when to evaluate
 * @param evalSteps                  evaluation interval for the STEPS strategy
 * @param saveStrategy               when to write a checkpoint
 * @param saveSteps                  checkpoint interval for the STEPS strategy
 * @param saveTotalLimit             checkpoints to keep (the best is always kept); 0 keeps all
 * @param loggingSteps               log every this many steps
 * @param metricForBestModel         evaluation metric that picks the best checkpoint
 * @param greaterIsBetter            whether a larger metric is better
 * @param loadBestModelAtEnd         restore the best checkpoint's weights when training ends
 * @param earlyStoppingPatience      evaluations without improvement before stopping; 0 never stops
 * @param earlyStoppingThreshold     how much better a metric must be to count as an improvement
 * @param seed                       the one seed of the run: data order, dropout, new heads
 * @param skipNonFiniteSteps         on a NaN or infinite loss or gradient, skip the step (no update, gradients
 *                                   dropped, counted in the state) instead of stopping, as mixed-precision
 *                                   trainers skip an overflowed step
 */
public record TrainingArguments(
        Path outputDir,
        int numTrainEpochs,
        long maxSteps,
        double learningRate,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double maxGradNorm,
        int gradientAccumulationSteps,
        ScheduleType lrSchedulerType,
        double warmupRatio,
        long warmupSteps,
        IntervalStrategy evalStrategy,
        long evalSteps,
        IntervalStrategy saveStrategy,
        long saveSteps,
        int saveTotalLimit,
        long loggingSteps,
        String metricForBestModel,
        boolean greaterIsBetter,
        boolean loadBestModelAtEnd,
        int earlyStoppingPatience,
        double earlyStoppingThreshold,
        long seed,
        boolean skipNonFiniteSteps) {

    /**
     * Validates the arguments and strips an {@code eval_} prefix from the metric's name.
     *
     * @param outputDir                  where checkpoints ({@code checkpoint-N/}) and the final model go
     * @param numTrainEpochs             epochs, unless maxSteps is positive
     * @param maxSteps                   optimizer steps to run; overrides numTrainEpochs when > 0
     * @param learningRate               peak learning rate
     * @param weightDecay                AdamW's decoupled decay, not applied to biases and LayerNorm weights
     * @param adamBeta1                  AdamW β1
     * @param adamBeta2                  AdamW β2
     * @param adamEpsilon                AdamW ε
     * @param maxGradNorm                global-norm clipping threshold; 0 turns clipping off
     * @param gradientAccumulationSteps  micro-batches per optimizer step
     * @param lrSchedulerType            schedule after warm-up
     * @param warmupRatio                warm-up as a share of all steps (used when warmupSteps is 0)
     * @param warmupSteps                warm-up in steps
     * @param evalStrategy               when to evaluate
     * @param evalSteps                  evaluation interval for the STEPS strategy
     * @param saveStrategy               when to write a checkpoint
     * @param saveSteps                  checkpoint interval for the STEPS strategy
     * @param saveTotalLimit             checkpoints to keep (the best is always kept); 0 keeps all
     * @param loggingSteps               log every this many steps
     * @param metricForBestModel         evaluation metric that picks the best checkpoint
     * @param greaterIsBetter            whether a larger metric is better
     * @param loadBestModelAtEnd         restore the best checkpoint's weights when training ends
     * @param earlyStoppingPatience      evaluations without improvement before stopping; 0 never stops
     * @param earlyStoppingThreshold     how much better a metric must be to count as an improvement
     * @param seed                       the one seed of the run: data order, dropout, new heads
     * @param skipNonFiniteSteps         on a NaN or infinite loss or gradient, skip the step (no update, gradients
     *                                   dropped, counted in the state) instead of stopping, as mixed-precision
     *                                   trainers skip an overflowed step
     * @throws IllegalArgumentException if an argument is out of range or the strategies do not fit together
     */
    public TrainingArguments {
        if (outputDir == null) throw new IllegalArgumentException("outputDir is required");
        if (maxSteps <= 0 && numTrainEpochs <= 0) {
            throw new IllegalArgumentException("num_train_epochs must be > 0 (or max_steps set), got " + numTrainEpochs);
        }
        if (!(learningRate >= 0)) throw new IllegalArgumentException("learning_rate must be >= 0, got " + learningRate);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        if (!(maxGradNorm >= 0)) throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
        if (gradientAccumulationSteps < 1) {
            throw new IllegalArgumentException("gradient_accumulation_steps must be >= 1, got " + gradientAccumulationSteps);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new IllegalArgumentException("warmup_ratio must be in [0, 1], got " + warmupRatio);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
        if (evalStrategy == IntervalStrategy.STEPS && evalSteps <= 0) throw new IllegalArgumentException("eval_strategy steps needs eval_steps > 0");
        if (saveStrategy == IntervalStrategy.STEPS && saveSteps <= 0) throw new IllegalArgumentException("save_strategy steps needs save_steps > 0");
        if (saveTotalLimit < 0) throw new IllegalArgumentException("save_total_limit must be >= 0, got " + saveTotalLimit);
        if (loggingSteps < 1) throw new IllegalArgumentException("logging_steps must be >= 1, got " + loggingSteps);
        if (earlyStoppingPatience < 0) throw new IllegalArgumentException("early_stopping_patience must be >= 0");
        if (loadBestModelAtEnd && saveStrategy == IntervalStrategy.NO) {
            throw new IllegalArgumentException("load_best_model_at_end needs checkpoints: set save_strategy to epoch or steps");
        }
        if ((loadBestModelAtEnd || earlyStoppingPatience > 0) && evalStrategy == IntervalStrategy.NO) {
            throw new IllegalArgumentException("load_best_model_at_end and early stopping need evaluations: set eval_strategy");
        }
        if (loadBestModelAtEnd && evalStrategy != saveStrategy) {
            throw new IllegalArgumentException("load_best_model_at_end needs eval_strategy and save_strategy to match (as transformers requires), got "
                    + evalStrategy + " and " + saveStrategy);
        }
        if (loadBestModelAtEnd && evalStrategy == IntervalStrategy.STEPS && saveSteps % evalSteps != 0) {
            throw new IllegalArgumentException("load_best_model_at_end needs save_steps (" + saveSteps
                    + ") to be a round multiple of eval_steps (" + evalSteps + "), or the best evaluation may have no checkpoint");
        }
        if (metricForBestModel == null || metricForBestModel.isBlank()) throw new IllegalArgumentException("metric_for_best_model is required");
        metricForBestModel = metricForBestModel.startsWith("eval_") ? metricForBestModel.substring(5) : metricForBestModel;
    }

    /**
     * A builder with transformers' defaults.
     *
     * @param outputDir where checkpoints and the final model go
     * @return the builder
     */
    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /**
     * These arguments for a run without validation data: no evaluation, so no best model to load at the end (early
     * stopping, which needs evaluations, off too).
     *
     * @return a copy with evaluation, loading the best model and early stopping off
     */
    public TrainingArguments withoutEvaluation() {
        return new TrainingArguments(outputDir, numTrainEpochs, maxSteps, learningRate, weightDecay, adamBeta1, adamBeta2, adamEpsilon,
                maxGradNorm, gradientAccumulationSteps, lrSchedulerType, warmupRatio, warmupSteps, IntervalStrategy.NO, evalSteps,
                saveStrategy, saveSteps, saveTotalLimit, loggingSteps, metricForBestModel, greaterIsBetter, false, 0,
                earlyStoppingThreshold, seed, skipNonFiniteSteps);
    }

    /**
     * Defaults as transformers' TrainingArguments, except evaluation and saving, which default to every epoch.
     * Not thread-safe: fill it and build on one thread; what it builds is immutable.
     */
    public static final class Builder {
        private final Path outputDir;
        private int numTrainEpochs = 3;
        private long maxSteps = -1;
        private double learningRate = 5e-5;
        private double weightDecay = 0;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private double maxGradNorm = 1.0;
        private int gradientAccumulationSteps = 1;
        private ScheduleType lrSchedulerType = ScheduleType.LINEAR;
        private double warmupRatio = 0;
        private long warmupSteps = 0;
        private IntervalStrategy evalStrategy = IntervalStrategy.EPOCH;
        private long evalSteps = 500;
        private IntervalStrategy saveStrategy = IntervalStrategy.EPOCH;
        private long saveSteps = 500;
        private int saveTotalLimit = 0;
        private long loggingSteps = 10;
        private String metricForBestModel = "loss";
        private Boolean greaterIsBetter;
        private boolean loadBestModelAtEnd;
        private int earlyStoppingPatience;
        private double earlyStoppingThreshold;
        private long seed = 42;
        private boolean skipNonFiniteSteps;

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        /**
         * Sets {@link TrainingArguments#numTrainEpochs()}.
         *
         * @param v epochs to train, unless maxSteps is positive; default 3
         * @return this builder
         */
        public Builder numTrainEpochs(int v) { numTrainEpochs = v; return this; }
        /**
         * Sets {@link TrainingArguments#maxSteps()}.
         *
         * @param v optimizer steps to run, overriding the epochs when {@code > 0}; default -1
         * @return this builder
         */
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#learningRate()}.
         *
         * @param v the peak learning rate; default 5e-5
         * @return this builder
         */
        public Builder learningRate(double v) { learningRate = v; return this; }
        /**
         * Sets {@link TrainingArguments#weightDecay()}.
         *
         * @param v AdamW's decoupled weight decay, {@code >= 0}; default 0
         * @return this builder
         */
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        /**
         * Sets AdamW's β1 and β2; defaults 0.9 and 0.999.
         *
         * @param b1 β1, the decay of the first moment
         * @param b2 β2, the decay of the second moment
         * @return this builder
         */
        public Builder adamBetas(double b1, double b2) { adamBeta1 = b1; adamBeta2 = b2; return this; }
        /**
         * Sets {@link TrainingArguments#adamEpsilon()}.
         *
         * @param v AdamW ε; default 1e-8
         * @return this builder
         */
        public Builder adamEpsilon(double v) { adamEpsilon = v; return this; }
        /**
         * Sets {@link TrainingArguments#maxGradNorm()}.
         *
         * @param v the global gradient norm clipped to, 0 for no clipping; default 1
         * @return this builder
         */
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        /**
         * Sets {@link TrainingArguments#gradientAccumulationSteps()}.
         *
         * @param v micro-batches per optimizer step, {@code >= 1}; default 1
         * @return this builder
         */
        public Builder gradientAccumulationSteps(int v) { gradientAccumulationSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#lrSchedulerType()}.
         *
         * @param v the schedule after warm-up; default {@link ScheduleType#LINEAR}
         * @return this builder
         */
        public Builder lrSchedulerType(ScheduleType v) { lrSchedulerType = v; return this; }
        /**
         * Sets {@link TrainingArguments#warmupRatio()}.
         *
         * @param v warm-up as a share of all steps, in {@code [0, 1]}, used when warmupSteps is 0; default 0
         * @return this builder
         */
        public Builder warmupRatio(double v) { warmupRatio = v; return this; }
        /**
         * Sets {@link TrainingArguments#warmupSteps()}.
         *
         * @param v warm-up in optimizer steps; default 0
         * @return this builder
         */
        public Builder warmupSteps(long v) { warmupSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#evalStrategy()}.
         *
         * @param v when to evaluate; default {@link IntervalStrategy#EPOCH}
         * @return this builder
         */
        public Builder evalStrategy(IntervalStrategy v) { evalStrategy = v; return this; }
        /**
         * Sets {@link TrainingArguments#evalSteps()}.
         *
         * @param v the evaluation interval in steps, for {@link IntervalStrategy#STEPS}; default 500
         * @return this builder
         */
        public Builder evalSteps(long v) { evalSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#saveStrategy()}.
         *
         * @param v when to write a checkpoint; default {@link IntervalStrategy#EPOCH}
         * @return this builder
         */
        public Builder saveStrategy(IntervalStrategy v) { saveStrategy = v; return this; }
        /**
         * Sets {@link TrainingArguments#saveSteps()}.
         *
         * @param v the checkpoint interval in steps, for {@link IntervalStrategy#STEPS}; default 500
         * @return this builder
         */
        public Builder saveSteps(long v) { saveSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#saveTotalLimit()}.
         *
         * @param v checkpoints to keep (the best always kept), 0 for all; default 0
         * @return this builder
         */
        public Builder saveTotalLimit(int v) { saveTotalLimit = v; return this; }
        /**
         * Sets {@link TrainingArguments#loggingSteps()}.
         *
         * @param v log every this many steps, {@code >= 1}; default 10
         * @return this builder
         */
        public Builder loggingSteps(long v) { loggingSteps = v; return this; }
        /**
         * Sets {@link TrainingArguments#metricForBestModel()}.
         *
         * @param v the metric that picks the best checkpoint, with or without {@code eval_}; default {@code loss}
         * @return this builder
         */
        public Builder metricForBestModel(String v) { metricForBestModel = v; return this; }
        /**
         * Sets {@link TrainingArguments#greaterIsBetter()}.
         *
         * @param v whether a larger metric is better; by default true unless the metric is a loss
         * @return this builder
         */
        public Builder greaterIsBetter(boolean v) { greaterIsBetter = v; return this; }
        /**
         * Sets {@link TrainingArguments#loadBestModelAtEnd()}.
         *
         * @param v whether to restore the best checkpoint's weights at the end; default false
         * @return this builder
         */
        public Builder loadBestModelAtEnd(boolean v) { loadBestModelAtEnd = v; return this; }
        /**
         * Sets {@link TrainingArguments#earlyStoppingPatience()}.
         *
         * @param v evaluations without improvement before stopping, 0 for never; default 0
         * @return this builder
         */
        public Builder earlyStoppingPatience(int v) { earlyStoppingPatience = v; return this; }
        /**
         * Sets {@link TrainingArguments#earlyStoppingThreshold()}.
         *
         * @param v the improvement a metric must make to count; default 0
         * @return this builder
         */
        public Builder earlyStoppingThreshold(double v) { earlyStoppingThreshold = v; return this; }
        /**
         * Sets {@link TrainingArguments#seed()}.
         *
         * @param v the run's seed; default 42
         * @return this builder
         */
        public Builder seed(long v) { seed = v; return this; }
        /**
         * Sets {@link TrainingArguments#skipNonFiniteSteps()}.
         *
         * @param v whether to skip steps with a non-finite loss or gradient instead of stopping; default false
         * @return this builder
         */
        public Builder skipNonFiniteSteps(boolean v) { skipNonFiniteSteps = v; return this; }

        /**
         * transformers: greater_is_better defaults to true unless the metric is a loss.
         *
         * @return the validated arguments
         * @throws IllegalArgumentException if an argument is out of range
         */
        public TrainingArguments build() {
            boolean greater = greaterIsBetter != null ? greaterIsBetter : !metricForBestModel.endsWith("loss");
            return new TrainingArguments(outputDir, numTrainEpochs, maxSteps, learningRate, weightDecay, adamBeta1, adamBeta2,
                    adamEpsilon, maxGradNorm, gradientAccumulationSteps, lrSchedulerType, warmupRatio, warmupSteps, evalStrategy,
                    evalSteps, saveStrategy, saveSteps, saveTotalLimit, loggingSteps, metricForBestModel, greater,
                    loadBestModelAtEnd, earlyStoppingPatience, earlyStoppingThreshold, seed, skipNonFiniteSteps);
        }
    }
}

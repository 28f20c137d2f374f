package dev.jbert.core.train.optim;

/**
 * The learning rate as a function of the optimizer step, as Hugging Face's schedules compute it
 * through PyTorch's {@code LambdaLR}: {@code baseLearningRate · factor(step)}, where the factor rises
 * linearly from 0 over the warm-up steps and then follows the {@link ScheduleType}.
 *
 * @param type             the shape after warm-up
 * @param baseLearningRate the peak learning rate, {@code >= 0}
 * @param warmupSteps      steps of linear warm-up, {@code >= 0}
 * @param totalSteps       optimizer steps of the whole run, {@code >= max(1, warmupSteps)}
 */
public record LearningRateSchedule(ScheduleType type, double baseLearningRate, long warmupSteps, long totalSteps) {

    /**
     * Validates the schedule.
     *
     * @param type             the shape after warm-up
     * @param baseLearningRate the peak learning rate, {@code >= 0}
     * @param warmupSteps      steps of linear warm-up, {@code >= 0}
     * @param totalSteps       optimizer steps of the whole run, {@code >= max(1, warmupSteps)}
     * @throws IllegalArgumentException if the type is null, the learning rate negative or not finite, or the step
     *                                  counts out of range
     */
    public LearningRateSchedule {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (!(baseLearningRate >= 0) || Double.isInfinite(baseLearningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + baseLearningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be at least 1, got " + totalSteps);
        }
        if (totalSteps < warmupSteps) {
            throw new IllegalArgumentException("total steps (" + totalSteps + ") are fewer than the warm-up steps ("
                    + warmupSteps + ")");
        }
    }

    /**
     * A schedule whose warm-up is a fraction of the total steps, rounded up as Hugging Face does
     * ({@code math.ceil(ratio * total)} in double precision, so 0.07 of 100 steps is 8).
     *
     * @param type             the shape after warm-up
     * @param baseLearningRate the peak learning rate, {@code >= 0}
     * @param warmupRatio      the warm-up's share of the steps, in {@code [0, 1]}
     * @param totalSteps       optimizer steps of the whole run, at least 1
     * @return the schedule
     * @throws IllegalArgumentException if the ratio lies outside {@code [0, 1]}
     */
    public static LearningRateSchedule withWarmupRatio(ScheduleType type, double baseLearningRate,
                                                       double warmupRatio, long totalSteps) {
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warm-up ratio must lie in [0, 1], got " + warmupRatio);
        }
        return new LearningRateSchedule(type, baseLearningRate, (long) Math.ceil(warmupRatio * totalSteps), totalSteps);
    }

    /**
     * The learning rate of the step that follows {@code step} completed optimizer steps (0 for the first
     * step), the value {@code LambdaLR} holds at that moment.
     *
     * @param step the optimizer steps completed, {@code >= 0}
     * @return the learning rate
     * @throws IllegalArgumentException if step is negative
     */
    public double learningRate(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return baseLearningRate * factor(step);
    }

    private double factor(long step) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double afterWarmup = Math.max(1, totalSteps - warmupSteps);
        return switch (type) {
            case LINEAR -> Math.max(0.0, (totalSteps - step) / afterWarmup);
            case CONSTANT -> 1.0;
            // num_cycles 0.5: cos(π · 2 · 0.5 · progress) = cos(π · progress), falling from 1 to -1 over the run.
            case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((step - warmupSteps) / afterWarmup))));
        };
    }
}

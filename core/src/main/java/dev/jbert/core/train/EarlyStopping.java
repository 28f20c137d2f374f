package dev.jbert.core.train;

/**
 * transformers' {@code EarlyStoppingCallback}: stop after {@code patience} evaluations in a row
 * whose metric did not beat the best so far by more than {@code threshold}. Immutable: the count of evaluations
 * without improvement lives in the run's {@link TrainerState}.
 */
public final class EarlyStopping implements TrainingListener {

    private final TrainingArguments args;

    /**
     * Early stopping with the patience, threshold and metric of {@code args}.
     *
     * @param args the training arguments, with a patience of at least 1
     * @throws IllegalArgumentException if the patience is below 1
     */
    public EarlyStopping(TrainingArguments args) {
        if (args.earlyStoppingPatience() < 1) throw new IllegalArgumentException("early stopping needs a patience >= 1");
        this.args = args;
    }

    @Override
    public void onEvaluate(EvalLog log, TrainerState state, TrainerControl control) {
        double value = log.metric(args.metricForBestModel());
        // state.bestMetric already includes this evaluation when it improved; compare against the previous best
        double previous = state.previousBestMetric();
        boolean improved = Double.isNaN(previous)
                || (args.greaterIsBetter() ? value > previous + args.earlyStoppingThreshold() : value < previous - args.earlyStoppingThreshold());
        state.patienceCounter = improved ? 0 : state.patienceCounter + 1;
        if (state.patienceCounter >= args.earlyStoppingPatience()) control.requestStop();
    }
}

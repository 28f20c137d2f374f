package dev.jbert.core.train;

/**
 * transformers' {@code DefaultFlowCallback}: turns eval_strategy and save_strategy into requests
 * for evaluations and checkpoints at step ends and epoch ends, and one at the very last step.
 */
final class FlowListener implements TrainingListener {

    private final TrainingArguments args;

    FlowListener(TrainingArguments args) {
        this.args = args;
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control) {
        long step = state.globalStep();
        if (args.evalStrategy() == IntervalStrategy.STEPS && step % args.evalSteps() == 0) control.requestEvaluation();
        if (args.saveStrategy() == IntervalStrategy.STEPS && step % args.saveSteps() == 0) control.requestCheckpoint();
        if (step >= state.maxSteps()) {
            if (args.evalStrategy() == IntervalStrategy.STEPS) control.requestEvaluation();
            if (args.saveStrategy() == IntervalStrategy.STEPS) control.requestCheckpoint();
        }
    }

    @Override
    public void onEpochEnd(int epoch, TrainerState state, TrainerControl control) {
        if (args.evalStrategy() == IntervalStrategy.EPOCH) control.requestEvaluation();
        if (args.saveStrategy() == IntervalStrategy.EPOCH) control.requestCheckpoint();
    }
}

package dev.jbert.cli;

import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on a terminal: step of total, loss, learning rate, examples per second and the
 * bar's own ETA. Used only when standard output is a console; plain log lines otherwise.
 */
final class ProgressListener implements TrainingListener {

    private ProgressBar bar;

    @Override
    public void onTrainBegin(TrainerState state, TrainerControl control) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(state.maxSteps()).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).showSpeed().build();
        bar.stepTo(state.globalStep());
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control) {
        bar.stepTo(state.globalStep());
    }

    @Override
    public void onLog(StepLog log, TrainerState state, TrainerControl control) {
        bar.setExtraMessage(String.format(" loss %.4f lr %.2e %.1f ex/s", log.loss(), log.learningRate(),
                log.examples() / Math.max(log.seconds(), 1e-9)));
    }

    @Override
    public void onTrainEnd(TrainerState state) {
        if (bar != null) bar.close();
    }
}

package dev.jbert.core.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Logs progress through SLF4J: each log entry's loss, learning rate, gradient norm and speed (every
 * {@code logging_steps} steps); every evaluation and checkpoint. The plain-lines counterpart of the
 * command line's progress bar. Stateless; safe to share between threads.
 */
public final class LoggingListener implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingListener.class);

    @Override
    public void onTrainBegin(TrainerState state, TrainerControl control) {
        LOG.info("training for {} steps ({} epochs){}", state.maxSteps(), state.numEpochs(),
                state.globalStep() > 0 ? ", resuming at step " + state.globalStep() : "");
    }

    @Override
    public void onLog(StepLog log, TrainerState state, TrainerControl control) {
        LOG.info(String.format("step %d/%d  epoch %.2f  loss %.4f  lr %.3g  grad_norm %.3f  %.1f examples/s",
                log.step(), state.maxSteps(), log.epoch(), log.loss(), log.learningRate(), log.gradNorm(),
                log.examples() / Math.max(log.seconds(), 1e-9)));
    }

    @Override
    public void onEvaluate(EvalLog log, TrainerState state, TrainerControl control) {
        StringBuilder sb = new StringBuilder(String.format("evaluation at step %d (epoch %.2f):", log.step(), log.epoch()));
        log.metrics().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> sb.append(String.format(" %s %.4f", e.getKey(), e.getValue())));
        LOG.info(sb.toString());
    }

    @Override
    public void onCheckpoint(Path checkpoint, TrainerState state) {
        LOG.info("saved {}", checkpoint);
    }
}

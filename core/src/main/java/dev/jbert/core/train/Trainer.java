package dev.jbert.core.train;

import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.core.train.optim.GradientClipping;
import dev.jbert.core.train.optim.LearningRateSchedule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop of transformers' Trainer: AdamW with decoupled decay (no decay on biases and
 * LayerNorm weights), a warm-up schedule, global-norm clipping, gradient accumulation, evaluation
 * and checkpoints by strategy, the best model by a chosen metric, early stopping and resume.
 *
 * <p>{@link #train} reads top to bottom: per epoch, gather micro-batches; every
 * {@code gradient_accumulation_steps} of them (and at an epoch's end) make a planned step; take it (accumulate,
 * clip, step), log, then evaluate and checkpoint when a listener asks. A {@link LocalStepsModel} takes its planned
 * steps a round at a time, and the logging, evaluation and checkpoints follow each round.
 *
 * <p>Not thread-safe: one {@link #train} at a time per instance; it calls the listeners, the evaluator and the model
 * on the thread that runs it.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainableModel model;
    private final TrainingData data;
    private final Evaluator evaluator;
    private final TrainingArguments args;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final Checkpoints checkpoints;
    private final AdamW optimizer;
    private final Map<String, INDArray> gradients = new LinkedHashMap<>();

    /**
     * A trainer with a fresh AdamW and zeroed gradients for the model's trainable parameters.
     *
     * @param model     the model to train
     * @param data      the training batches, at least one per epoch
     * @param evaluator computes validation metrics; may be null when eval_strategy is NO
     * @param args      the training recipe
     * @param listeners extra hooks (progress, logging); flow control and early stopping are added here
     * @throws IllegalArgumentException if evaluation is asked for without an evaluator, or the data has no batches
     */
    public Trainer(TrainableModel model, TrainingData data, Evaluator evaluator, TrainingArguments args,
                   List<TrainingListener> listeners) {
        if (evaluator == null && args.evalStrategy() != IntervalStrategy.NO) {
            throw new IllegalArgumentException("eval_strategy " + args.evalStrategy() + " needs validation data");
        }
        if (data.batchesPerEpoch() < 1) throw new IllegalArgumentException("the training data has no batches");
        this.model = model;
        this.data = data;
        this.evaluator = evaluator;
        this.args = args;
        this.listeners.add(new FlowListener(args));
        if (args.earlyStoppingPatience() > 0) this.listeners.add(new EarlyStopping(args));
        this.listeners.addAll(listeners);
        this.checkpoints = new Checkpoints(args.outputDir());
        this.optimizer = new AdamW(new AdamWConfig(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay()),
                model::decays, model.kernels());
        model.trainableParameters().forEach((name, p) -> gradients.put(name, p.ulike().assign(0)));
        int round = stepsPerRound();
        if (round < 1) throw new IllegalArgumentException("a round must have at least 1 local step, got " + round);
        if (args.evalStrategy() == IntervalStrategy.STEPS && args.evalSteps() % round != 0) {
            throw new IllegalArgumentException("eval_steps " + args.evalSteps() + " is not a multiple of the " + round
                    + " local steps per round: the replicas agree, and can be evaluated, only at a round's end");
        }
        if (args.saveStrategy() == IntervalStrategy.STEPS && args.saveSteps() % round != 0) {
            throw new IllegalArgumentException("save_steps " + args.saveSteps() + " is not a multiple of the " + round
                    + " local steps per round: the replicas agree, and can be saved, only at a round's end");
        }
    }

    /** Steps taken between averages of a {@link LocalStepsModel}'s replicas; 1 for any other model. */
    private int stepsPerRound() {
        return model instanceof LocalStepsModel replicated ? replicated.stepsPerRound() : 1;
    }

    /**
     * Optimizer steps per epoch: a last partial accumulation still steps, as transformers does.
     *
     * @return the steps per epoch, {@code ceil(batches / gradient_accumulation_steps)}
     */
    public long stepsPerEpoch() {
        return (data.batchesPerEpoch() + args.gradientAccumulationSteps() - 1) / args.gradientAccumulationSteps();
    }

    /**
     * Total optimizer steps of the run.
     *
     * @return {@code max_steps} when positive, otherwise the steps per epoch times the epochs
     */
    public long totalSteps() {
        return args.maxSteps() > 0 ? args.maxSteps() : stepsPerEpoch() * args.numTrainEpochs();
    }

    /**
     * The learning rate of every step: a pure function of the step.
     *
     * @return the schedule with this run's warm-up and total steps
     */
    public LearningRateSchedule schedule() {
        long total = totalSteps();
        return args.warmupSteps() > 0
                ? new LearningRateSchedule(args.lrSchedulerType(), args.learningRate(), Math.min(args.warmupSteps(), total), total)
                : LearningRateSchedule.withWarmupRatio(args.lrSchedulerType(), args.learningRate(), args.warmupRatio(), total);
    }

    /**
     * Trains from scratch.
     *
     * @return the final state
     */
    public TrainerState train() {
        return train(Optional.empty());
    }

    /**
     * Trains, continuing from a checkpoint folder when one is given.
     *
     * @param resumeFrom the checkpoint to resume from, or empty to start afresh
     * @return the final state
     */
    public TrainerState train(Optional<Path> resumeFrom) {
        TrainerState state = resumeFrom.map(this::resume).orElseGet(this::freshState);
        LearningRateSchedule schedule = schedule();
        TrainerControl control = new TrainerControl();
        listeners.forEach(l -> l.onTrainBegin(state, control));
        int epochs = (int) Math.ceil((double) state.maxSteps / stepsPerEpoch());
        int stepsPerRound = stepsPerRound();
        Path lastCheckpoint = resumeFrom.orElse(null);
        LogWindow window = new LogWindow();

        training:
        for (int epoch = state.epoch; epoch < epochs; epoch++) {
            List<Batch> batches = data.epoch(epoch, args.seed());
            state.epoch = epoch;
            List<Batch> microBatches = new ArrayList<>();
            List<PlannedStep> round = new ArrayList<>();
            List<Integer> batchesDone = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = state.batchesDoneInEpoch; i < batches.size(); i++) {
                microBatches.add(batches.get(i));
                boolean lastOfEpoch = i == batches.size() - 1;
                if (microBatches.size() < args.gradientAccumulationSteps() && !lastOfEpoch) continue;

                long step = state.globalStep + round.size();
                long[] seeds = new long[microBatches.size()];
                for (int j = 0; j < seeds.length; j++) seeds[j] = dropoutSeed(step, j);
                round.add(new PlannedStep(step, microBatches, seeds, 1.0 / args.gradientAccumulationSteps(), schedule.learningRate(step)));
                batchesDone.add(i + 1);
                microBatches.clear();
                boolean runEnds = step + 1 >= state.maxSteps;
                if (!lastOfEpoch && !runEnds && (step + 1) % stepsPerRound != 0) continue;

                List<StepOutcome> outcomes = take(round, lastCheckpoint);
                double seconds = (System.nanoTime() - started) / 1e9;
                for (int k = 0; k < round.size(); k++) {
                    PlannedStep planned = round.get(k);
                    StepOutcome outcome = outcomes.get(k);
                    state.batchesDoneInEpoch = batchesDone.get(k);
                    state.globalStep++;
                    window.add(planned, outcome, seconds / round.size());
                    if (!outcome.finite()) {
                        LOG.warn("step {} skipped: loss {}, gradient norm {} ({}); no update, its gradients dropped ({} skipped so far)",
                                state.globalStep, ReadBack.scalar(outcome.loss(), ReadBack.Use.NAN_CHECK),
                                ReadBack.scalar(outcome.gradNorm(), ReadBack.Use.NAN_CHECK), outcome.nonFinite(),
                                state.skippedSteps.size() + 1);
                        state.skippedSteps.add(state.globalStep);
                    }
                    listeners.forEach(l -> l.onStepEnd(state, control));
                    if (state.globalStep % args.loggingSteps() == 0 || state.globalStep >= state.maxSteps) log(window, state, control);
                }
                if (lastOfEpoch) {
                    state.epoch = epoch + 1;
                    state.batchesDoneInEpoch = 0;
                }
                // a run that ends mid-epoch still closes its epoch: transformers evaluates and saves there too
                if (lastOfEpoch || runEnds) {
                    int finished = epoch;
                    listeners.forEach(l -> l.onEpochEnd(finished, state, control));
                }
                lastCheckpoint = act(control, state, lastCheckpoint);
                if (control.shouldStop || runEnds) {
                    log(window, state, control);
                    break training;
                }
                round.clear();
                batchesDone.clear();
                started = System.nanoTime();
            }
        }
        if (args.loadBestModelAtEnd() && state.bestCheckpoint != null) {
            LOG.info("loading the best model, {} ({} = {})", state.bestCheckpoint, args.metricForBestModel(), state.bestMetric);
            model.load(args.outputDir().resolve(state.bestCheckpoint));
        }
        listeners.forEach(l -> l.onTrainEnd(state));
        return state;
    }

    /**
     * Takes a round of planned steps: the model's replicas take them (a {@link LocalStepsModel}), or, a step at a time,
     * this trainer accumulates, clips and steps AdamW. A non-finite step stops the run unless such steps are skipped.
     */
    private List<StepOutcome> take(List<PlannedStep> round, Path lastCheckpoint) {
        List<StepOutcome> outcomes = new ArrayList<>();
        if (model instanceof LocalStepsModel replicated) {
            outcomes.addAll(replicated.round(round, optimizer, args.maxGradNorm()));
        } else {
            for (PlannedStep step : round) outcomes.add(take(step));
        }
        for (int k = 0; k < round.size(); k++) {
            StepOutcome outcome = outcomes.get(k);
            if (!outcome.finite() && !args.skipNonFiniteSteps()) {
                throw new TrainingDivergedException(round.get(k).step() + 1, ReadBack.scalar(outcome.loss(), ReadBack.Use.NAN_CHECK),
                        ReadBack.scalar(outcome.gradNorm(), ReadBack.Use.NAN_CHECK), outcome.nonFinite(), lastCheckpoint);
            }
        }
        return outcomes;
    }

    /**
     * Takes one planned step where the model computes: the loss and the gradient norm stay there, and one scalar, their
     * sum, is read back to tell whether both are finite. Clipping scales the gradients in place there too.
     */
    private StepOutcome take(PlannedStep step) {
        INDArray loss = Nd4j.scalar(0.0);
        for (int j = 0; j < step.microBatches().size(); j++) {
            INDArray microBatchLoss = model.accumulateGradients(step.microBatches().get(j), step.scale(), step.dropoutSeeds()[j], gradients);
            addInto(loss, microBatchLoss);
        }
        loss.divi(step.microBatches().size());
        long clipping = Profiler.start();
        INDArray gradNorm = GradientClipping.norm(gradients);
        Profiler.stop(Profiler.Section.GRADIENTS, clipping);
        INDArray check = Nd4j.scalar(0.0);
        addInto(check, loss);
        addInto(check, gradNorm);
        String nonFinite = Double.isFinite(ReadBack.scalar(check, ReadBack.Use.NAN_CHECK)) ? null : nonFinite();
        if (nonFinite == null) {
            clipping = Profiler.start();
            if (args.maxGradNorm() > 0) GradientClipping.clip(gradients, gradNorm, args.maxGradNorm());
            Profiler.stop(Profiler.Section.GRADIENTS, clipping);
            long stepping = Profiler.start();
            optimizer.step(model.trainableParameters(), gradients, step.learningRate());
            Profiler.stop(Profiler.Section.OPTIMIZER, stepping);
        }
        long zeroing = Profiler.start();
        gradients.values().forEach(g -> g.assign(0));
        Profiler.stop(Profiler.Section.GRADIENTS, zeroing);
        return new StepOutcome(loss, gradNorm, nonFinite);
    }

    /**
     * Logs the steps since the previous entry and starts a new window: the only place the training loss and gradient
     * norm are read back, once per logging step. A window of skipped steps only logs nothing and stays open.
     */
    private void log(LogWindow window, TrainerState state, TrainerControl control) {
        if (window.finiteSteps == 0) return;
        double loss = ReadBack.scalar(window.lossSum, ReadBack.Use.LOSS) / window.finiteSteps;
        double gradNorm = ReadBack.scalar(window.lastNorm, ReadBack.Use.GRADIENT_NORM);
        StepLog log = new StepLog(state.globalStep, state.fractionalEpoch(), loss, window.learningRate, gradNorm,
                window.examples, window.seconds);
        state.steps.add(log);
        listeners.forEach(l -> l.onLog(log, state, control));
        window.reset();
    }

    /**
     * The steps since the last log entry: their losses summed where they were computed, the newest step's norm (skipped
     * steps left out of both) and rate, and the examples and time.
     */
    private static final class LogWindow {
        INDArray lossSum = Nd4j.scalar(0.0);
        INDArray lastNorm;
        int finiteSteps;
        int examples;
        double seconds;
        double learningRate;

        void add(PlannedStep planned, StepOutcome outcome, double stepSeconds) {
            if (outcome.finite()) {
                addInto(lossSum, outcome.loss());
                lastNorm = outcome.gradNorm();
                finiteSteps++;
            }
            learningRate = planned.learningRate();
            examples += planned.examples();
            seconds += stepSeconds;
        }

        void reset() {
            lossSum = Nd4j.scalar(0.0);
            lastNorm = null;
            finiteSteps = examples = 0;
            seconds = 0;
        }
    }

    /**
     * {@code sum += value} for one-element arrays, as an operation where they are: {@code INDArray.addi} reads a
     * one-element operand back to the host.
     */
    private static void addInto(INDArray sum, INDArray value) {
        Nd4j.exec(new AddOp(sum, value.castTo(sum.dataType()), sum));
    }

    /** Runs the evaluation and checkpoint the listeners asked for; returns the newest checkpoint. */
    private Path act(TrainerControl control, TrainerState state, Path lastCheckpoint) {
        Path newest = lastCheckpoint;
        if (control.shouldEvaluate) {
            control.shouldEvaluate = false;
            EvalLog log = new EvalLog(state.globalStep, state.fractionalEpoch(), evaluator.evaluate(model));
            state.evaluations.add(log);
            double value = log.metric(args.metricForBestModel());
            state.previousBestMetric = state.bestMetric;
            boolean better = Double.isNaN(state.bestMetric) || (args.greaterIsBetter() ? value > state.bestMetric : value < state.bestMetric);
            if (better) {
                state.bestMetric = value;
                // the checkpoint of this step, if one is saved now, becomes the best
                if (control.shouldSave) state.bestCheckpoint = "checkpoint-" + state.globalStep;
            }
            listeners.forEach(l -> l.onEvaluate(log, state, control));
        }
        if (control.shouldSave) {
            control.shouldSave = false;
            newest = checkpoints.save(model, optimizer, state);
            checkpoints.rotate(args.saveTotalLimit(), state.bestCheckpoint);
            Path saved = newest;
            listeners.forEach(l -> l.onCheckpoint(saved, state));
        }
        return newest;
    }

    private TrainerState freshState() {
        TrainerState s = new TrainerState();
        s.maxSteps = totalSteps();
        s.numEpochs = args.maxSteps() > 0 ? (int) Math.ceil((double) s.maxSteps / stepsPerEpoch()) : args.numTrainEpochs();
        s.batchesPerEpoch = data.batchesPerEpoch();
        s.seed = args.seed();
        s.dataFingerprint = data.fingerprint();
        return s;
    }

    private TrainerState resume(Path checkpoint) {
        TrainerState s = Checkpoints.restore(checkpoint, model, optimizer);
        if (s.seed != args.seed()) {
            throw new IllegalArgumentException(checkpoint + " was trained with seed " + s.seed + ", not " + args.seed()
                    + ": resume with the same seed, or the data order and dropout would differ");
        }
        if (!s.dataFingerprint.equals(data.fingerprint())) {
            throw new IllegalArgumentException(checkpoint + " was trained on other data (fingerprint " + s.dataFingerprint
                    + ", now " + data.fingerprint() + "): resume on the same training file and settings");
        }
        if (s.maxSteps != totalSteps()) {
            throw new IllegalArgumentException(checkpoint + " planned " + s.maxSteps + " steps but these arguments plan "
                    + totalSteps() + ": resume with the same epochs, batch size and accumulation");
        }
        LOG.info("resuming from {} at step {} (epoch {}, batch {})", checkpoint, s.globalStep, s.epoch, s.batchesDoneInEpoch);
        return s;
    }

    /** A distinct, reproducible dropout stream per micro-batch of the run. */
    private long dropoutSeed(long step, int microBatch) {
        long h = args.seed() * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + microBatch * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * Which gradients of the step are NaN or infinite: the first parameter, its optimizer group, and how many are.
     * A finite gradient with a non-finite loss names none.
     */
    private String nonFinite() {
        String first = null;
        int count = 0;
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            if (Double.isFinite(ReadBack.scalar(e.getValue().norm2(), ReadBack.Use.NAN_CHECK))) continue;
            if (first == null) first = e.getKey();
            count++;
        }
        if (first == null) return "every gradient finite: the loss itself is not";
        return "first non-finite gradient: " + first + ", in the " + (model.decays(first) ? "weight-decay" : "no-decay")
                + " group; " + count + " of " + gradients.size() + " parameters";
    }
}

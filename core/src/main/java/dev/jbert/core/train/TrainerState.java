package dev.jbert.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a run is, saved as {@code trainer_state.json} in every checkpoint: everything besides the
 * weights and optimizer moments that a resumed run needs to continue exactly where the killed one
 * stopped. Data order and dropout derive from the seed, the epoch and the step, so no random
 * generator state has to be stored.
 *
 * <p>Not thread-safe: the loop updates it in place on the training thread; read it there (from a listener) or
 * after {@link Trainer#train} has returned.
 */
public final class TrainerState {

    private static final ObjectMapper JSON = new ObjectMapper();

    long globalStep;
    int epoch;
    /** Micro-batches of {@link #epoch} already consumed. */
    int batchesDoneInEpoch;
    long maxSteps;
    int numEpochs;
    int batchesPerEpoch;
    double bestMetric = Double.NaN;
    double previousBestMetric = Double.NaN;
    String bestCheckpoint;
    int patienceCounter;
    long seed;
    String dataFingerprint = "";
    final List<StepLog> steps = new ArrayList<>();
    final List<EvalLog> evaluations = new ArrayList<>();
    /** Steps skipped for a non-finite loss or gradient (skip_non_finite_steps). */
    final List<Long> skippedSteps = new ArrayList<>();

    /**
     * Optimizer steps taken so far, skipped steps included.
     *
     * @return the step count
     */
    public long globalStep() {
        return globalStep;
    }

    /**
     * The epoch being trained, from 0; after the last, the number of epochs done.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The optimizer steps the run takes in all.
     *
     * @return the step count
     */
    public long maxSteps() {
        return maxSteps;
    }

    /**
     * The epochs the run covers.
     *
     * @return the epoch count
     */
    public int numEpochs() {
        return numEpochs;
    }

    /**
     * Fractional epochs done, as transformers logs {@code epoch}.
     *
     * @return the epoch plus the share of its batches done
     */
    public double fractionalEpoch() {
        return epoch + (double) batchesDoneInEpoch / Math.max(1, batchesPerEpoch);
    }

    /**
     * Best value of metric_for_best_model so far, NaN before the first evaluation.
     *
     * @return the best value, or NaN
     */
    public double bestMetric() {
        return bestMetric;
    }

    /**
     * The best before the latest evaluation: what early stopping compares against.
     *
     * @return the best value before the latest evaluation, or NaN
     */
    public double previousBestMetric() {
        return previousBestMetric;
    }

    /**
     * Folder name of the best checkpoint, or null.
     *
     * @return the folder name, {@code checkpoint-<step>}, or null
     */
    public String bestCheckpoint() {
        return bestCheckpoint;
    }

    /**
     * The log entries so far, in order.
     *
     * @return an unmodifiable view
     */
    public List<StepLog> steps() {
        return Collections.unmodifiableList(steps);
    }

    /**
     * The steps skipped for a non-finite loss or gradient, in order; they made no update and have no log entry.
     *
     * @return an unmodifiable view
     */
    public List<Long> skippedSteps() {
        return Collections.unmodifiableList(skippedSteps);
    }

    /**
     * The evaluations so far, in order.
     *
     * @return an unmodifiable view
     */
    public List<EvalLog> evaluations() {
        return Collections.unmodifiableList(evaluations);
    }

    ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("global_step", globalStep).put("epoch", epoch).put("batches_done_in_epoch", batchesDoneInEpoch)
                .put("max_steps", maxSteps).put("num_train_epochs", numEpochs).put("batches_per_epoch", batchesPerEpoch)
                .put("patience_counter", patienceCounter).put("seed", seed).put("data_fingerprint", dataFingerprint);
        putNumber(n, "best_metric", bestMetric);
        putNumber(n, "previous_best_metric", previousBestMetric);
        n.put("best_model_checkpoint", bestCheckpoint);
        ArrayNode history = n.putArray("log_history");
        for (StepLog s : steps) {
            history.addObject().put("step", s.step()).put("epoch", s.epoch()).put("loss", s.loss())
                    .put("learning_rate", s.learningRate()).put("grad_norm", s.gradNorm())
                    .put("examples", s.examples()).put("seconds", s.seconds());
        }
        skippedSteps.forEach(n.putArray("skipped_steps")::add);
        ArrayNode evals = n.putArray("eval_history");
        for (EvalLog e : evaluations) {
            ObjectNode o = evals.addObject().put("step", e.step()).put("epoch", e.epoch());
            ObjectNode m = o.putObject("metrics");
            e.metrics().forEach(m::put);
        }
        return n;
    }

    static TrainerState fromJson(JsonNode n, Path file) {
        TrainerState s = new TrainerState();
        try {
            s.globalStep = n.get("global_step").asLong();
            s.epoch = n.get("epoch").asInt();
            s.batchesDoneInEpoch = n.get("batches_done_in_epoch").asInt();
            s.maxSteps = n.get("max_steps").asLong();
            s.numEpochs = n.get("num_train_epochs").asInt();
            s.batchesPerEpoch = n.get("batches_per_epoch").asInt();
            s.patienceCounter = n.get("patience_counter").asInt();
            s.seed = n.get("seed").asLong();
            s.dataFingerprint = n.get("data_fingerprint").asText();
            s.bestMetric = number(n.get("best_metric"));
            s.previousBestMetric = number(n.get("previous_best_metric"));
            JsonNode best = n.get("best_model_checkpoint");
            s.bestCheckpoint = best == null || best.isNull() ? null : best.asText();
            for (JsonNode h : n.get("log_history")) {
                s.steps.add(new StepLog(h.get("step").asLong(), h.get("epoch").asDouble(), h.get("loss").asDouble(),
                        h.get("learning_rate").asDouble(), h.get("grad_norm").asDouble(), h.get("examples").asInt(),
                        h.get("seconds").asDouble()));
            }
            for (JsonNode skipped : n.path("skipped_steps")) s.skippedSteps.add(skipped.asLong());
            for (JsonNode e : n.get("eval_history")) {
                java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
                e.get("metrics").fields().forEachRemaining(f -> metrics.put(f.getKey(), f.getValue().asDouble()));
                s.evaluations.add(new EvalLog(e.get("step").asLong(), e.get("epoch").asDouble(), metrics));
            }
        } catch (NullPointerException e) {
            throw new dev.jbert.core.ModelFileException(file, "trainer state is missing a field: the checkpoint is incomplete or from another tool");
        }
        return s;
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isNaN(v)) n.putNull(key);
        else n.put(key, v);
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}

package dev.jbert.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.train.EvalLog;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code log.jsonl}: first the training data ({@code "type": "data"}: real and synthetic examples per label, the
 * synthetic weight), then one JSON object per logged step ({@code "type": "step"}) and per evaluation
 * ({@code "type": "eval"}), appended and flushed as they happen so a killed run keeps its log. A run that
 * resumes from a checkpoint first drops what the killed run logged after that checkpoint (and a line the kill
 * cut short), so the log of a resumed run holds every step once, as an uninterrupted run's does.
 */
final class JsonlLog implements TrainingListener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;

    private JsonlLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** A new log for a run from step 0, replacing the log of an earlier run in the same folder. */
    static JsonlLog fresh(Path file) {
        return open(file, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The log of a run resumed after {@code step}: the records up to that step are kept, later ones dropped. */
    static JsonlLog continuedAfter(Path file, long step) {
        if (Files.exists(file)) keepUpTo(file, step);
        return open(file, StandardOpenOption.APPEND);
    }

    private static JsonlLog open(Path file, StandardOpenOption mode) {
        try {
            Files.createDirectories(file.getParent());
            return new JsonlLog(file, Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode));
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot open the training log: " + e.getMessage(), e);
        }
    }

    private static void keepUpTo(Path file, long step) {
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (JsonProcessingException cutShort) {
                    continue;
                }
                if (record != null && record.path("step").asLong(Long.MAX_VALUE) <= step) kept.add(line);
            }
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.write(partial, kept);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot continue the training log: " + e.getMessage(), e);
        }
    }

    /** The first record of a fresh log; at step 0, so a resumed run keeps it. */
    void trainingData(Report.TrainingData data) {
        ObjectNode n = JSON.createObjectNode().put("type", "data").put("step", 0);
        n.setAll(data.json());
        write(n);
    }

    @Override
    public void onLog(StepLog log, TrainerState state, TrainerControl control) {
        write(JSON.createObjectNode().put("type", "step").put("step", log.step()).put("epoch", log.epoch())
                .put("loss", log.loss()).put("learning_rate", log.learningRate()).put("grad_norm", log.gradNorm())
                .put("seconds", log.seconds()).put("examples_per_second", log.examples() / Math.max(log.seconds(), 1e-9)));
    }

    @Override
    public void onEvaluate(EvalLog log, TrainerState state, TrainerControl control) {
        ObjectNode n = JSON.createObjectNode().put("type", "eval").put("step", log.step()).put("epoch", log.epoch());
        log.metrics().forEach((k, v) -> n.put("eval_" + k, v));
        write(n);
    }

    private void write(ObjectNode node) {
        try {
            out.write(node.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot write the training log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot close the training log: " + e.getMessage(), e);
        }
    }
}

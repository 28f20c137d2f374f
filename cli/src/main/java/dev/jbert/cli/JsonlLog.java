package dev.jbert.cli;

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
import java.nio.file.StandardOpenOption;

/**
 * {@code log.jsonl}: one JSON object per logged step ({@code "type": "step"}) and per evaluation
 * ({@code "type": "eval"}), appended and flushed as they happen so a killed run keeps its log.
 */
final class JsonlLog implements TrainingListener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;

    JsonlLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot open the training log: " + e.getMessage(), e);
        }
    }

    @Override
    public void onStep(StepLog log, TrainerState state, TrainerControl control) {
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

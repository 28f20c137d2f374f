package dev.jbert.heads.train;

import dev.jbert.core.train.Checkpoints;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoint folders: a half-written (partial) folder is never taken for a checkpoint, every
 * checkpoint holds the model, tokenizer, optimizer and trainer state, and save_total_limit
 * deletes the oldest ones while always keeping the best, as transformers' {@code _rotate_checkpoints}.
 */
class CheckpointRotationTest {

    @TempDir
    Path out;

    private static List<String> names(List<Path> checkpoints) {
        return checkpoints.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void partialFolderOfAKilledWriteIsNotACheckpoint() throws IOException {
        ClassifierModel model = TrainFixtures.seqCls(42);
        // 2 epochs of 3 steps, a checkpoint every 2 steps: checkpoint-2, -4, -6
        TrainerState state = new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).numTrainEpochs(2).saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build(), List.of()).train();
        assertEquals(6, state.globalStep());

        // what a kill in the middle of writing checkpoint-7 leaves behind
        Path partial = out.resolve(".checkpoint-7.partial");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("config.json"), "{\"truncat");
        // and neither a stray file nor an unrelated folder counts
        Files.writeString(out.resolve("checkpoint-8"), "not a folder");
        Files.createDirectories(out.resolve("checkpoint-x"));

        Checkpoints checkpoints = new Checkpoints(out);
        assertEquals(List.of("checkpoint-2", "checkpoint-4", "checkpoint-6"), names(checkpoints.list()));
        assertEquals(Optional.of(out.resolve("checkpoint-6")), checkpoints.latest());
        for (Path p : checkpoints.list()) TrainFixtures.assertCompleteCheckpoint(p);
        assertEquals(TrainFixtures.CHECKPOINT_FILES.stream().sorted().toList(), TrainFixtures.fileNames(out.resolve("checkpoint-4")),
                "a checkpoint holds exactly the model, tokenizer, optimizer and trainer state");

        // steps sort numerically: checkpoint-10 is newer than checkpoint-6
        Path ten = Files.createDirectories(out.resolve("checkpoint-10"));
        for (String f : TrainFixtures.CHECKPOINT_FILES) Files.copy(out.resolve("checkpoint-6").resolve(f), ten.resolve(f));
        assertEquals(List.of("checkpoint-2", "checkpoint-4", "checkpoint-6", "checkpoint-10"), names(checkpoints.list()));
        assertEquals(Optional.of(ten), checkpoints.latest());
    }

    @Test
    void emptyOrMissingOutputHasNoCheckpoint() throws IOException {
        assertEquals(List.of(), new Checkpoints(out.resolve("missing")).list());
        assertEquals(Optional.empty(), new Checkpoints(out.resolve("missing")).latest());
        Files.createDirectories(out.resolve(".checkpoint-3.partial"));
        assertEquals(Optional.empty(), new Checkpoints(out).latest());
    }

    @Test
    void aNewSaveReplacesALeftoverPartialFolder() throws IOException {
        Path partial = out.resolve(".checkpoint-2.partial");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("junk.bin"), "left by a killed run");
        ClassifierModel model = TrainFixtures.seqCls(42);
        new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).maxSteps(2).saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build(), List.of()).train();
        assertFalse(Files.exists(partial), "the partial folder was reused and renamed into place");
        assertEquals(TrainFixtures.CHECKPOINT_FILES.stream().sorted().toList(), TrainFixtures.fileNames(out.resolve("checkpoint-2")),
                "no leftover file made it into the checkpoint");
    }

    /** Records the checkpoints present after every save. */
    private static TrainingListener recorder(List<List<String>> after) {
        return new TrainingListener() {
            @Override
            public void onCheckpoint(Path checkpoint, TrainerState state) {
                after.add(names(new Checkpoints(checkpoint.getParent()).list()));
            }
        };
    }

    @Test
    void saveTotalLimitKeepsTheNewestWithoutEvaluations() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        List<List<String>> after = new ArrayList<>();
        new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out).maxSteps(5)
                .saveStrategy(IntervalStrategy.STEPS).saveSteps(1).saveTotalLimit(2).build(), List.of(recorder(after))).train();
        assertEquals(List.of(
                List.of("checkpoint-1"),
                List.of("checkpoint-1", "checkpoint-2"),
                List.of("checkpoint-2", "checkpoint-3"),
                List.of("checkpoint-3", "checkpoint-4"),
                List.of("checkpoint-4", "checkpoint-5")), after);
        new Checkpoints(out).list().forEach(TrainFixtures::assertCompleteCheckpoint);
    }

    @Test
    void saveTotalLimitAlwaysKeepsTheBestCheckpoint() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        List<List<String>> after = new ArrayList<>();
        // per epoch (3 steps): accuracy best at epoch 2 (checkpoint-6), then worse
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.9, 0.6, 0.7),
                TrainFixtures.args(out).numTrainEpochs(4).evalStrategy(IntervalStrategy.EPOCH).saveStrategy(IntervalStrategy.EPOCH)
                        .metricForBestModel("accuracy").saveTotalLimit(2).build(), List.of(recorder(after))).train();
        assertEquals("checkpoint-6", state.bestCheckpoint());
        assertEquals(0.9, state.bestMetric(), 0.0);
        // transformers: the best is kept on top of the newest (save_total_limit counts it)
        assertEquals(List.of(
                List.of("checkpoint-3"),
                List.of("checkpoint-3", "checkpoint-6"),
                List.of("checkpoint-6", "checkpoint-9"),
                List.of("checkpoint-6", "checkpoint-12")), after);
        new Checkpoints(out).list().forEach(TrainFixtures::assertCompleteCheckpoint);
    }

    /**
     * transformers: "When save_total_limit=1 and load_best_model_at_end, it is possible that two
     * checkpoints are saved: the last one and the best one (if they are different)" — rotation
     * never deletes the checkpoint just written, or a resume would go back to the best one's step.
     */
    @Test
    void saveTotalLimitOneKeepsTheLastCheckpointBesideTheBest() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        List<Path> saved = new ArrayList<>();
        TrainingListener check = new TrainingListener() {
            @Override
            public void onCheckpoint(Path checkpoint, TrainerState state) {
                saved.add(checkpoint);
                assertTrue(Files.isDirectory(checkpoint), "the checkpoint just written, " + checkpoint.getFileName()
                        + ", still exists after rotation; present: " + names(new Checkpoints(checkpoint.getParent()).list()));
            }
        };
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.9, 0.5, 0.6),
                TrainFixtures.args(out).numTrainEpochs(3).evalStrategy(IntervalStrategy.EPOCH).saveStrategy(IntervalStrategy.EPOCH)
                        .metricForBestModel("accuracy").saveTotalLimit(1).build(), List.of(check)).train();
        assertEquals("checkpoint-3", state.bestCheckpoint());
        assertEquals(3, saved.size());
        assertEquals(List.of("checkpoint-3", "checkpoint-9"), names(new Checkpoints(out).list()),
                "the best and the last checkpoint remain");
    }
}

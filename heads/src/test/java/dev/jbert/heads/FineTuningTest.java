package dev.jbert.heads;

import dev.jbert.core.data.Label;
import dev.jbert.core.data.SourceLine;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FineTuning}'s refusals: each names what is missing. (Its runs are the README examples' tests, and every
 * {@code jbert train} test, since the command is a caller of it.)
 */
class FineTuningTest {

    @TempDir
    Path dir;

    private static void refuses(String expected, Runnable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void missingPartsAreNamed() {
        Path model = Fixtures.folder("base");
        TrainingArguments args = TrainingArguments.builder(dir).numTrainEpochs(1).build();
        List<TextExample> examples = List.of(new TextExample("fine", null, Label.classIndex(0), SourceLine.inMemory(1)));
        refuses("a model folder", () -> FineTuning.of(null));
        refuses("arguments(", () -> FineTuning.of(model).train(examples).run());
        refuses("train(", () -> FineTuning.of(model).arguments(args).run());
        refuses("labels(", () -> FineTuning.of(model).train(examples).arguments(args).run());
        refuses("CoNLL-style files", () -> FineTuning.of(model).task(Task.TOKEN_CLASSIFICATION).train(examples).labels(List.of("O", "B-X"))
                .arguments(args).run());
        refuses("batch sizes", () -> FineTuning.of(model).train(examples).labels(List.of("a", "b")).batchSizes(0, 1).arguments(args).run());
    }
}

package dev.jbert.heads.train;

import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** freezeEncoder trains the head alone: the encoder's weights stay bit for bit as loaded. */
class FreezeEncoderTest {

    @TempDir
    Path out;

    @Test
    void onlyTheHeadTrainsAndTheEncoderIsUntouched() {
        ClassifierModel model = SavedClassifier.open(Fixtures.folder(TrainFixtures.SEQ_CLS), TrainFixtures.spec(), 42, TrainedParameters.HEAD_ONLY);
        assertEquals(Set.of("classifier.weight", "classifier.bias"), model.trainableParameters().keySet());
        assertTrue(model.allParameters().keySet().stream().anyMatch(n -> n.startsWith("bert.")));

        Map<String, float[]> before = TrainFixtures.snapshot(model);
        TrainerState state = new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).maxSteps(4).weightDecay(0.1).build(), List.of()).train();
        assertEquals(4, state.globalStep());
        Map<String, float[]> after = TrainFixtures.snapshot(model);

        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            if (name.startsWith("bert.")) {
                assertArrayEquals(before.get(name), after.get(name), name + " is frozen");
            } else {
                assertTrue(name.startsWith("classifier."), name);
                assertFalse(TrainFixtures.sameValues(before.get(name), after.get(name)), name + " trained");
            }
        }
        // the logged gradient norm is the head's alone, so it is finite and positive
        state.steps().forEach(s -> assertTrue(s.gradNorm() > 0 && Double.isFinite(s.gradNorm()), s.toString()));
    }

    @Test
    void unfrozenTheEncoderTrainsToo() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        assertEquals(model.allParameters().keySet(), model.trainableParameters().keySet());
        Map<String, float[]> before = TrainFixtures.snapshot(model);
        new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out).maxSteps(2).build(), List.of()).train();
        Map<String, float[]> after = TrainFixtures.snapshot(model);
        for (String name : List.of("bert.encoder.layer.0.attention.self.query.weight", "bert.embeddings.word_embeddings.weight",
                "bert.pooler.dense.weight", "classifier.weight")) {
            assertFalse(TrainFixtures.sameValues(before.get(name), after.get(name)), name + " trained");
        }
    }
}

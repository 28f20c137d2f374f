package dev.jbert.heads.train;

import dev.jbert.core.data.Batch;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Dropout 0.1 on the seq-cls weights: off (and exactly the no-dropout model) for evaluation and
 * prediction, on in training with masks that depend on the dropout seed alone.
 */
class DropoutTest {

    @TempDir
    static Path shared;
    static ClassifierModel dropout;
    static ClassifierModel plain;

    @BeforeAll
    static void models() {
        dropout = TrainFixtures.open(TrainFixtures.dropoutCopy(shared, 0.1), 42);
        plain = TrainFixtures.seqCls(42);
    }

    private static Map<String, INDArray> zeros(ClassifierModel model) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        model.trainableParameters().forEach((n, p) -> g.put(n, p.ulike().assign(0)));
        return g;
    }

    @Test
    void evaluationIsDeterministicAndDropoutFree() {
        Batch batch = TrainFixtures.all();
        double first = dropout.evaluationLoss(batch);
        // a training pass in between must not leave a mask behind
        dropout.accumulateGradients(batch, 1.0, 123, zeros(dropout));
        double second = dropout.evaluationLoss(batch);
        assertEquals(first, second, 0.0, "evaluation loss is the same on every call");
        assertEquals(plain.evaluationLoss(batch), first, 0.0, "evaluation equals the model without dropout");
        assertArrayEquals(plain.predict(batch).dup().data().asFloat(), dropout.predict(batch).dup().data().asFloat(),
                "predictions equal the model without dropout");
        assertArrayEquals(dropout.predict(batch).dup().data().asFloat(), dropout.predict(batch).dup().data().asFloat());
    }

    @Test
    void trainingLossDependsOnTheDropoutSeedOnly() {
        Batch batch = TrainFixtures.all();
        Map<String, INDArray> g1 = zeros(dropout), g1again = zeros(dropout), g2 = zeros(dropout);
        double seed1 = TrainFixtures.value(dropout.accumulateGradients(batch, 1.0, 1, g1));
        double seed2 = TrainFixtures.value(dropout.accumulateGradients(batch, 1.0, 2, g2));
        double seed1again = TrainFixtures.value(dropout.accumulateGradients(batch, 1.0, 1, g1again));

        assertEquals(seed1, seed1again, 0.0, "the same seed draws the same masks");
        assertNotEquals(seed1, seed2, "another seed draws other masks");
        assertNotEquals(dropout.evaluationLoss(batch), seed1, "training applies dropout");
        for (String name : g1.keySet()) {
            assertArrayEquals(g1.get(name).dup().data().asFloat(), g1again.get(name).dup().data().asFloat(), name + " with the same seed");
        }
        assertFalse(TrainFixtures.sameValues(g1.get("classifier.weight").dup().data().asFloat(),
                g2.get("classifier.weight").dup().data().asFloat()), "other masks give another gradient");
    }

    @Test
    void withoutDropoutTheSeedDoesNotMatter() {
        Batch batch = TrainFixtures.batch(0, 1, 2, 3);
        double a = TrainFixtures.value(plain.accumulateGradients(batch, 1.0, 1, zeros(plain)));
        double b = TrainFixtures.value(plain.accumulateGradients(batch, 1.0, 2, zeros(plain)));
        assertEquals(a, b, 0.0);
        assertEquals(plain.evaluationLoss(batch), a, 1e-6 * Math.abs(a), "training loss without dropout is the evaluation loss");
    }
}

package dev.jbert.core.train.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.testdata.Fixtures;

/** {@code seq-cls/train_trajectory.json}: ten Hugging Face Trainer steps recorded by the reference. */
final class TrajectoryFixture {

    static final JsonNode JSON = Fixtures.json(Fixtures.folder("seq-cls").resolve("train_trajectory.json"));

    private TrajectoryFixture() {
    }
}

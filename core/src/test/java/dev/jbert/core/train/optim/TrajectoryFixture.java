package dev.jbert.core.train.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code optim/train_trajectory.json}: ten Hugging Face Trainer steps recorded by the reference. */
final class TrajectoryFixture {

    static final JsonNode JSON = load();

    private TrajectoryFixture() {
    }

    private static JsonNode load() {
        try (InputStream in = TrajectoryFixture.class.getResourceAsStream("/optim/train_trajectory.json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource optim/train_trajectory.json");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

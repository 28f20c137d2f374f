package dev.jbert.heads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.core.data.Batch;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.testdata.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

/** Classifiers built from the fixture checkpoints, and the fixture's inputs as a batch. */
final class FixtureModels {

    private FixtureModels() {
    }

    static EncoderClassifier classifier(String fixture, ClassifierSpec spec) {
        Path dir = Fixtures.folder(fixture);
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            CheckpointWeights weights = new CheckpointWeights(checkpoint);
            EncoderClassifier c = EncoderClassifier.build(config, weights, spec, 42);
            weights.verify(n -> false);
            return c;
        }
    }

    static Tokenizer tokenizer(String fixture) {
        return Tokenizer.fromDirectory(Fixtures.folder(fixture));
    }

    static JsonNode reference(String fixture) {
        return Fixtures.json(Fixtures.folder(fixture).resolve("reference.json"));
    }

    /** The fixture's padded inputs with the given labels. */
    static Batch batch(JsonNode inputs, INDArray labels) {
        return new Batch(Fixtures.ints(inputs, "input_ids"), Fixtures.ints(inputs, "token_type_ids"),
                Fixtures.ints(inputs, "attention_mask"), labels);
    }

    static INDArray classLabels(JsonNode labels) {
        return Nd4j.createFromArray(Fixtures.ints(labels));
    }

    static INDArray tokenLabels(JsonNode inputs) {
        return Nd4j.createFromArray(Fixtures.ints(inputs, "labels"));
    }

    static INDArray floatLabels(JsonNode labels) {
        double[] flat = Fixtures.flatten(labels);
        float[] f = new float[flat.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) flat[i];
        INDArray a = Nd4j.createFromArray(f);
        return labels.get(0).isArray() ? a.reshape(labels.size(), labels.get(0).size()) : a;
    }

    static float[] floats(JsonNode array) {
        double[] d = Fixtures.flatten(array);
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }
}

package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.testdata.Fixtures;
import dev.jbert.testdata.KernelSets;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder against transformers' outputs on the tiny fixture models. Tolerance: 1e-5, of the largest magnitude
 * beyond 1 ({@link Fixtures#outputTolerance}: float32 rounding), except where a test says otherwise.
 */
class BertModelParityTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> weightFilesWithEachKernelSet() {
        return KernelSets.each("model.safetensors", "pytorch_model.bin");
    }

    static Stream<Arguments> halfPrecisionFilesWithEachKernelSet() {
        return KernelSets.eachRow(new Object[]{"model.f16.safetensors", "logits_from_f16_weights"},
                new Object[]{"model.bf16.safetensors", "logits_from_bf16_weights"});
    }

    @ParameterizedTest
    @MethodSource("weightFilesWithEachKernelSet")
    void baseMatchesTransformersFromEitherFormat(String weightsFile, KernelSet kernels) {
        Path dir = Fixtures.folder("base");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        Run run = run(dir, dir.resolve(weightsFile), ref.get("inputs"), kernels);

        double hidden = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("last_hidden_state")),
                run.out.lastHiddenState().dup().data().asFloat());
        double pooled = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("pooler_output")),
                run.out.pooledOutput().dup().data().asFloat());
        System.out.printf("base/%s: max |Δ| last_hidden_state %.3g, pooler_output %.3g%n", weightsFile, hidden, pooled);
        assertTrue(hidden < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get("last_hidden_state"))), "last_hidden_state max |Δ| " + hidden);
        assertTrue(pooled < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get("pooler_output"))), "pooler_output max |Δ| " + pooled);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void sequenceClassifierLogitsThroughCheckpointHead(KernelSet kernels) {
        Path dir = Fixtures.folder("seq-cls");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        INDArray logits = pooledLogits(dir, dir.resolve("model.safetensors"), ref.get("inputs"), kernels);
        double d = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("logits")), logits.data().asFloat());
        System.out.printf("seq-cls: max |Δ| logits %.3g%n", d);
        assertTrue(d < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get("logits"))), "logits max |Δ| " + d);
    }

    /**
     * Half-precision weights widen exactly to float32, and transformers ran the fixture in float32
     * from those widened weights, so the only difference left is float32 rounding: 1e-5 holds.
     */
    @ParameterizedTest
    @MethodSource("halfPrecisionFilesWithEachKernelSet")
    void halfPrecisionCheckpointsGiveTheirReferenceLogits(String file, String key, KernelSet kernels) {
        Path dir = Fixtures.folder("seq-cls");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        INDArray logits = pooledLogits(dir, dir.resolve(file), ref.get("inputs"), kernels);
        double d = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get(key)), logits.data().asFloat());
        System.out.printf("seq-cls/%s: max |Δ| %s %.3g%n", file, key, d);
        assertTrue(d < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get(key))), key + " max |Δ| " + d);
    }

    @ParameterizedTest
    @MethodSource("weightFilesWithEachKernelSet")
    void tokenClassifierLoadsWithoutPoolerAndGivesItsLogits(String weightsFile, KernelSet kernels) {
        Path dir = Fixtures.folder("token-cls");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        Run run = run(dir, dir.resolve(weightsFile), ref.get("inputs_continuation_I"), kernels);
        assertFalse(run.model.hasPooler());
        assertNull(run.out.pooledOutput());

        INDArray hidden = run.out.lastHiddenState();                                  // [B·T, H]
        INDArray logits = classifier(run.checkpointDir.resolve(weightsFile), hidden);
        double d = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("logits")), logits.data().asFloat());
        System.out.printf("token-cls/%s: max |Δ| logits %.3g%n", weightsFile, d);
        assertTrue(d < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get("logits"))), "logits max |Δ| " + d);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void pairRegressionUsesTokenTypes(KernelSet kernels) {
        Path dir = Fixtures.folder("pair-regression");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        INDArray logits = pooledLogits(dir, dir.resolve("model.safetensors"), ref.get("inputs"), kernels);
        assertEquals(1, logits.size(1));
        double d = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("logits")), logits.data().asFloat());
        System.out.printf("pair-regression: max |Δ| logits %.3g%n", d);
        assertTrue(d < Fixtures.outputTolerance(TOLERANCE, Fixtures.flatten(ref.get("logits"))), "logits max |Δ| " + d);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void batchSizeAndSequenceLengthAreFreeAtInference(KernelSet kernels) {
        Path dir = Fixtures.folder("base");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        int[][] ids = Fixtures.ints(ref.get("inputs"), "input_ids");
        int[][] types = Fixtures.ints(ref.get("inputs"), "token_type_ids");
        int[][] mask = Fixtures.ints(ref.get("inputs"), "attention_mask");
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            Encoder model = KernelSets.building(kernels, () -> BertModel.build(config, new CheckpointWeights(checkpoint), PoolerChoice.IF_PRESENT));
            model.forward(ids, types, mask, Pass.inference());
            // the first example alone, cut to its 8 real tokens: the same states as in the padded batch
            int len = 8;
            INDArray states = model.forward(new int[][]{java.util.Arrays.copyOf(ids[0], len)}, new int[][]{java.util.Arrays.copyOf(types[0], len)},
                    new int[][]{java.util.Arrays.copyOf(mask[0], len)}, Pass.inference()).lastHiddenState();
            assertEquals(java.util.List.of((long) len, (long) config.hiddenSize()),
                    java.util.Arrays.stream(states.shape()).boxed().toList());
            double[] expected = Fixtures.flatten(ref.get("last_hidden_state").get(0));
            double[] firstEight = java.util.Arrays.copyOf(expected, len * config.hiddenSize());
            double d = Fixtures.maxAbsDiff(firstEight, states.data().asFloat());
            assertTrue(d < Fixtures.outputTolerance(TOLERANCE, expected), "unpadded example max |Δ| " + d);
        }
    }

    record Run(Encoder model, Encoder.Output out, Path checkpointDir) {
    }

    /** Builds the encoder from a weights file with {@code kernels} and runs the reference inputs through it. */
    static Run run(Path dir, Path weights, JsonNode inputs, KernelSet kernels) {
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        try (Checkpoint checkpoint = Checkpoint.open(weights)) {
            CheckpointWeights w = new CheckpointWeights(checkpoint);
            Encoder model = KernelSets.building(kernels, () -> BertModel.build(config, w, PoolerChoice.IF_PRESENT));
            w.verify(n -> n.startsWith("classifier."));
            Encoder.Output out = model.forward(Fixtures.ints(inputs, "input_ids"), Fixtures.ints(inputs, "token_type_ids"),
                    Fixtures.ints(inputs, "attention_mask"), Pass.inference());
            return new Run(model, out, dir);
        }
    }

    private static INDArray pooledLogits(Path dir, Path weights, JsonNode inputs, KernelSet kernels) {
        Run run = run(dir, weights, inputs, kernels);
        return classifier(weights, run.out.pooledOutput());
    }

    /** The checkpoint's own {@code classifier} Linear, applied eagerly: {@code x·Wᵀ + b}. */
    private static INDArray classifier(Path weights, INDArray features) {
        try (Checkpoint checkpoint = Checkpoint.open(weights)) {
            long[] ws = checkpoint.info("classifier.weight").shape();
            INDArray w = Nd4j.create(checkpoint.readFloat32("classifier.weight"), ws, 'c');
            INDArray b = Nd4j.create(checkpoint.readFloat32("classifier.bias"), new long[]{ws[0]}, 'c');
            return features.mmul(w.transpose()).addRowVector(b);
        }
    }
}

package dev.jbert.heads.train;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.Evaluator;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.testdata.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Shared set-up of the training tests: the seq-cls fixture model, its reference examples as
 * training data shuffled per (seed, epoch) into batches of 4 (the last one shorter), a dropout-0.1 copy of the
 * fixture folder, scripted evaluators and exact parameter comparison.
 */
final class TrainFixtures {

    static final String SEQ_CLS = "seq-cls";
    /** What every complete checkpoint folder holds. */
    static final List<String> CHECKPOINT_FILES = List.of("config.json", "model.safetensors", "vocab.txt",
            "tokenizer_config.json", "optimizer.bin", "trainer_state.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainFixtures() {
    }

    private static JsonNode reference;

    static synchronized JsonNode reference() {
        if (reference == null) reference = Fixtures.json(Fixtures.folder(SEQ_CLS).resolve("reference.json"));
        return reference;
    }

    static ClassifierSpec spec() {
        return ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels(SEQ_CLS));
    }

    static ClassifierModel open(Path dir, long seed) {
        return SavedClassifier.open(dir, spec(), seed, TrainedParameters.ALL);
    }

    static ClassifierModel seqCls(long seed) {
        return open(Fixtures.folder(SEQ_CLS), seed);
    }

    /** A copy of the seq-cls folder whose encoder uses dropout 0.1 (hidden and attention probabilities). */
    static Path dropoutCopy(Path parent, double p) {
        Path src = Fixtures.folder(SEQ_CLS);
        Path dst = parent.resolve("seq-cls-dropout-" + p);
        try {
            Files.createDirectories(dst);
            for (String f : List.of("model.safetensors", "vocab.txt", "tokenizer_config.json")) {
                Files.copy(src.resolve(f), dst.resolve(f));
            }
            ObjectNode config = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
            config.put("hidden_dropout_prob", p);
            config.put("attention_probs_dropout_prob", p);
            Files.writeString(dst.resolve("config.json"), config.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dst;
    }

    /** Example {@code i} of the fixture as a one-row piece. */
    static int[][][] rows(int... indices) {
        JsonNode inputs = reference().get("inputs");
        int[][] ids = Fixtures.ints(inputs, "input_ids");
        int[][] types = Fixtures.ints(inputs, "token_type_ids");
        int[][] mask = Fixtures.ints(inputs, "attention_mask");
        int[][][] out = new int[3][indices.length][];
        for (int k = 0; k < indices.length; k++) {
            out[0][k] = ids[indices[k]];
            out[1][k] = types[indices[k]];
            out[2][k] = mask[indices[k]];
        }
        return out;
    }

    /** A batch of the given fixture examples, with their labels. */
    static Batch batch(int... indices) {
        int[] allLabels = Fixtures.ints(reference().get("labels"));
        int[][][] r = rows(indices);
        int[] labels = Arrays.stream(indices).map(i -> allLabels[i]).toArray();
        return new Batch(r[0], r[1], r[2], Nd4j.createFromArray(labels));
    }

    /** All the fixture's examples, in order. */
    static Batch all() {
        return batch(IntStream.range(0, examples()).toArray());
    }

    static int examples() {
        return reference().get("labels").size();
    }

    /** The examples, shuffled by (seed, epoch), cut into batches of 4 (the last one shorter). */
    static TrainingData data() {
        return data("seq-cls/reference.json");
    }

    static TrainingData data(String fingerprint) {
        int n = examples();
        return new TrainingData() {
            @Override
            public List<Batch> epoch(int epoch, long seed) {
                List<Integer> order = IntStream.range(0, n).boxed().collect(Collectors.toCollection(ArrayList::new));
                Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
                List<Batch> batches = new ArrayList<>();
                for (int from = 0; from < n; from += 4) {
                    batches.add(batch(order.subList(from, Math.min(n, from + 4)).stream().mapToInt(Integer::intValue).toArray()));
                }
                return batches;
            }

            @Override
            public int batchesPerEpoch() {
                return (n + 3) / 4;
            }

            @Override
            public String fingerprint() {
                return fingerprint;
            }
        };
    }

    /** Arguments with a fast learning rate, no warm-up, no evaluation or saving unless set later. */
    static TrainingArguments.Builder args(Path out) {
        return TrainingArguments.builder(out)
                .learningRate(1e-3)
                .evalStrategy(IntervalStrategy.NO)
                .saveStrategy(IntervalStrategy.NO)
                .loggingSteps(1)
                .seed(42);
    }

    /** Returns {@code accuracy} values in turn (the last one repeated), with a constant loss. */
    static Evaluator scripted(double... accuracies) {
        int[] calls = {0};
        return model -> {
            double a = accuracies[Math.min(calls[0]++, accuracies.length - 1)];
            Map<String, Double> m = new HashMap<>();
            m.put("accuracy", a);
            m.put("loss", 1.0 - a);
            return m;
        };
    }

    /** A copy of every parameter's values, by name. */
    static Map<String, float[]> snapshot(Map<String, INDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.dup('c').data().asFloat()));
        return out;
    }

    static Map<String, float[]> snapshot(ClassifierModel model) {
        return snapshot(model.allParameters());
    }

    /** Bit-for-bit equality of two parameter sets (same names, same floats). */
    static void assertSameParameters(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet(), what + ": parameter names");
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), what + ": " + name));
    }

    static boolean sameValues(float[] a, float[] b) {
        return Arrays.equals(a, b);
    }

    /** Names of the files directly in a folder. */
    static List<String> fileNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertCompleteCheckpoint(Path dir) {
        List<String> names = fileNames(dir);
        for (String f : CHECKPOINT_FILES) {
            if (!names.contains(f)) throw new AssertionError(dir + " lacks " + f + ": it holds " + names);
        }
    }

    /** A one-element array's value, read back: a micro-batch's loss as the tests compare it. */
    static double value(INDArray scalar) {
        return ReadBack.scalar(scalar, ReadBack.Use.CHECK);
    }
}

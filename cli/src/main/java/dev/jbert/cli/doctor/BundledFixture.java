package dev.jbert.cli.doctor;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.FileTrees;
import dev.jbert.core.data.Batch;
import dev.jbert.core.json.JsonArrays;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.core.train.optim.ScheduleType;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One family's tiny sequence classifier, bundled in the jar with what transformers 5.18 computed for it (the test
 * fixtures of {@code testdata/fixtures}): checked on the active backend and kernels for logits, gradients and the first
 * steps of a Trainer run, at the test suite's tolerances.
 */
final class BundledFixture {

    /** The files a fixture folder may hold; those present are unpacked. */
    private static final List<String> FILES = List.of("config.json", "model.safetensors", "reference.json", "train_trajectory.json",
            "tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "merges.txt", "spm.model", "sentencepiece.bpe.model");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check's outcome: the measured deviation against its tolerance. */
    record Result(String what, double deviation, double tolerance) {
        boolean passed() {
            return deviation <= tolerance;
        }
    }

    private final String family;
    private final Path dir;

    private BundledFixture(String family, Path dir) {
        this.family = family;
        this.dir = dir;
    }

    /** Unpacks the bundled fixture of {@code family} (resource folder {@code doctor/<family>}) into {@code into}. */
    static BundledFixture unpack(String family, Path into) {
        Path dir = into.resolve(family);
        try {
            Files.createDirectories(dir);
            for (String f : FILES) {
                try (InputStream in = BundledFixture.class.getResourceAsStream("/doctor/" + family + "/" + f)) {
                    if (in != null) Files.copy(in, dir.resolve(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled " + family + " classifier into " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new IllegalStateException("this jar carries no bundled " + family + " classifier (doctor/" + family + "/): rebuild it with Maven");
        }
        return new BundledFixture(family, dir);
    }

    String family() {
        return family;
    }

    /**
     * Logits (1e-5, 2e-5 for ModernBERT whose fixture came from eager attention, absolute up to a largest logit of 1
     * and relative to it beyond, as the tests hold them: float32 rounding grows with the values), gradients (1e-4 relative
     * to each tensor's largest value) and the first {@code steps} steps' losses and gradient norms (1e-4 relative).
     */
    List<Result> check(int steps, Path scratch) {
        JsonNode ref = json("reference.json");
        List<Result> out = new ArrayList<>();
        double[] expected = JsonArrays.flatten(ref.get("logits"));
        double largest = 0;
        for (double v : expected) largest = Math.max(largest, Math.abs(v));
        double logitsTolerance = (family.equals("modernbert") ? 2e-5 : 1e-5) * Math.max(1, largest);
        ClassifierModel model = open();
        Batch batch = batch(ref);
        INDArray logits = model.classifier().logits(batch, Pass.inference());
        out.add(new Result("logits", maxAbsDiff(expected, ReadBack.floats(logits, ReadBack.Use.CHECK)), logitsTolerance));
        out.add(new Result("gradients", gradients(model, batch, ref.has("gradients") ? ref.get("gradients") : ref.get("gradients_cross_entropy")),
                1e-4));
        out.add(trajectory(steps, scratch));
        model.close();
        return out;
    }

    private ClassifierModel open() {
        int labels = json("config.json").get("id2label").size();
        return SavedClassifier.open(dir, ClassifierSpec.of(Task.SINGLE_LABEL, labels), 42, TrainedParameters.ALL);
    }

    private double gradients(ClassifierModel model, Batch batch, JsonNode expected) {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        model.trainableParameters().forEach((n, p) -> grads.put(n, p.ulike().assign(0)));
        model.accumulateGradients(batch, 1.0, 0, grads);
        double worst = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Double> want = new ArrayList<>();
            List<Float> got = new ArrayList<>();
            String name = e.getKey();
            if (name.endsWith("[rows]")) {
                INDArray table = grads.get(name.substring(0, name.length() - "[rows]".length()));
                for (Iterator<Map.Entry<String, JsonNode>> rows = e.getValue().fields(); rows.hasNext(); ) {
                    Map.Entry<String, JsonNode> row = rows.next();
                    for (double v : JsonArrays.flatten(row.getValue())) want.add(v);
                    for (float v : ReadBack.floats(table.get(NDArrayIndex.point(Integer.parseInt(row.getKey())), NDArrayIndex.all()), ReadBack.Use.CHECK)) {
                        got.add(v);
                    }
                }
            } else {
                INDArray g = grads.get(name);
                if (g == null) throw new IllegalStateException(family + ": the model has no gradient for " + name);
                for (double v : JsonArrays.flatten(e.getValue())) want.add(v);
                for (float v : ReadBack.floats(g, ReadBack.Use.CHECK)) got.add(v);
            }
            double scale = 0, diff = 0;
            for (int i = 0; i < want.size(); i++) {
                scale = Math.max(scale, Math.abs(want.get(i)));
                diff = Math.max(diff, Math.abs(want.get(i) - got.get(i)));
            }
            worst = Math.max(worst, scale == 0 ? diff : diff / scale);
        }
        return worst;
    }

    private Result trajectory(int steps, Path scratch) {
        JsonNode trajectory = json("train_trajectory.json"), recipe = trajectory.get("recipe");
        ClassifierModel model = open();
        List<Batch> batches = new ArrayList<>();
        for (JsonNode b : trajectory.get("batches")) {
            int[][] ids = JsonArrays.matrix(b.get("input_ids"));
            int[][] types = b.has("token_type_ids") ? JsonArrays.matrix(b.get("token_type_ids")) : new int[ids.length][ids[0].length];
            batches.add(new Batch(ids, types, JsonArrays.matrix(b.get("attention_mask")), Nd4j.createFromArray(JsonArrays.ints(b.get("labels")))));
        }
        TrainingArguments args = TrainingArguments.builder(scratch.resolve(family + "-trainer")).maxSteps(recipe.get("steps").asLong())
                .learningRate(recipe.get("lr").asDouble()).warmupSteps(recipe.get("warmup_steps").asLong()).lrSchedulerType(ScheduleType.LINEAR)
                .weightDecay(recipe.get("weight_decay").asDouble())
                .adamBetas(recipe.get("betas").get(0).asDouble(), recipe.get("betas").get(1).asDouble()).adamEpsilon(recipe.get("eps").asDouble())
                .maxGradNorm(recipe.get("max_grad_norm").asDouble()).evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO)
                .loggingSteps(1).build();
        // the recipe's whole schedule, stopped after the first steps: the learning rates are those of the recorded run
        TrainingListener stop = new TrainingListener() {
            @Override
            public void onStepEnd(TrainerState state, TrainerControl control) {
                if (state.globalStep() >= steps) control.requestStop();
            }
        };
        TrainerState state = new Trainer(model, TrainingData.fixed(batches, "train_trajectory.json"), null, args, List.of(stop)).train();
        double worst = 0;
        List<StepLog> log = state.steps();
        for (int k = 0; k < log.size(); k++) {
            double loss = trajectory.get("losses").get(k).asDouble(), norm = trajectory.get("grad_norms").get(k).asDouble();
            worst = Math.max(worst, Math.abs(log.get(k).loss() - loss) / Math.abs(loss));
            worst = Math.max(worst, Math.abs(log.get(k).gradNorm() - norm) / Math.abs(norm));
        }
        model.close();
        FileTrees.delete(scratch.resolve(family + "-trainer"));
        return new Result(steps + " Trainer steps (losses, gradient norms)", worst, 1e-4);
    }

    private JsonNode json(String file) {
        try {
            return JSON.readTree(dir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    private static Batch batch(JsonNode ref) {
        JsonNode inputs = ref.get("inputs");
        int[][] ids = JsonArrays.field(inputs, "input_ids");
        int[][] types = inputs.get(0).has("token_type_ids") ? JsonArrays.field(inputs, "token_type_ids") : new int[ids.length][ids[0].length];
        return new Batch(ids, types, JsonArrays.field(inputs, "attention_mask"), Nd4j.createFromArray(JsonArrays.ints(ref.get("labels"))));
    }

    private static double maxAbsDiff(double[] expected, float[] actual) {
        if (expected.length != actual.length) return Double.POSITIVE_INFINITY;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        return worst;
    }
}

package dev.jbert.heads;

import dev.jbert.bert.model.BertModel;
import dev.jbert.bert.model.DropoutSite;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nd4j.GradientFunction;
import dev.jbert.core.train.TrainableModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.jbert.bert.checkpoint.BertCheckpoint;
import dev.jbert.bert.checkpoint.SafetensorsWriter;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.BertTokenizer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link BertClassifier} built in training mode, driven by the training loop: it feeds a batch,
 * draws the dropout masks, and turns SameDiff's gradients into one gradient per parameter.
 *
 * <p>The word-embedding table is the exception SameDiff cannot handle (its gather gradient is
 * broken): the batch's rows are looked up here and fed as {@code inputs_embeds}, and that
 * placeholder's gradient is added back into the table's rows, skipping the padding id as
 * {@code nn.Embedding(padding_idx)} does. The table's gradient is dense, as torch's is, so AdamW
 * moves every row exactly as torch would.
 */
public final class ClassifierModel implements TrainableModel {

    /** The one parameter whose gradient is assembled here rather than by SameDiff. */
    public static final String WORD_EMBEDDINGS = "bert.embeddings.word_embeddings.weight";

    private final BertClassifier classifier;
    private final BertTokenizer tokenizer;
    private final SameDiff sd;
    private final int padTokenId;
    private final Map<String, INDArray> trainable;
    /** SameDiff gradient names of the graph-computed parameters, by parameter name. */
    private final Map<String, String> gradientNames = new LinkedHashMap<>();
    private final String embedsGradient;

    /**
     * @param classifier a classifier built in {@link BertModel.Mode#TRAINING}
     * @param tokenizer  saved with the model, so the folder is complete
     * @param trainable  which parameters train (all, or only the head's to freeze the encoder)
     */
    public ClassifierModel(BertClassifier classifier, BertTokenizer tokenizer, Predicate<String> trainable) {
        if (classifier.encoder().mode() != BertModel.Mode.TRAINING) {
            throw new IllegalArgumentException("a trainable classifier must be built in TRAINING mode");
        }
        this.classifier = classifier;
        this.tokenizer = tokenizer;
        this.sd = classifier.sameDiff();
        this.padTokenId = classifier.encoder().config().padTokenId();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && trainable.test(v.name())) params.put(v.name(), v.getArr());
        }
        this.trainable = Collections.unmodifiableMap(params);
        GradientFunction.create(sd);
        for (String name : params.keySet()) {
            if (!name.equals(WORD_EMBEDDINGS)) gradientNames.put(name, sd.getGradForVariable(name).name());
        }
        embedsGradient = sd.getGradForVariable(BertModel.INPUTS_EMBEDS).name();
    }

    /** Every parameter of the graph, trainable or frozen, by checkpoint name. */
    public Map<String, INDArray> allParameters() {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) all.put(v.name(), v.getArr());
        }
        return all;
    }

    public BertClassifier classifier() {
        return classifier;
    }

    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    /** Parameters of the head only: what trains when the encoder is frozen. */
    public static boolean isHeadParameter(String name) {
        return name.startsWith("classifier.");
    }

    /**
     * Saves in Hugging Face layout: {@code config.json} (with id2label, label2id, problem_type),
     * {@code model.safetensors} (float32, {@code bert.*} and {@code classifier.*}), {@code vocab.txt}
     * and {@code tokenizer_config.json}. A Linear head loads in transformers unchanged.
     */
    @Override
    public void save(Path dir) {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        allParameters().forEach((name, p) -> tensors.put(name, new SafetensorsWriter.Tensor(p.dup('c').data().asFloat(), p.shape())));
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            Files.writeString(dir.resolve("config.json"), SavedClassifier.configJson(classifier).toPrettyString());
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot save the model: " + e.getMessage(), e);
        }
        tokenizer.save(dir);
    }

    /** Sets every parameter, in place, from a folder {@link #save} wrote; names and shapes must match. */
    @Override
    public void load(Path dir) {
        try (BertCheckpoint checkpoint = BertCheckpoint.open(dir)) {
            CheckpointWeights weights = new CheckpointWeights(checkpoint);
            Map<String, INDArray> params = allParameters();
            Map<String, INDArray> loaded = new LinkedHashMap<>();
            params.forEach((name, p) -> loaded.put(name, weights.get(name, p.shape())));
            weights.verify(n -> false);
            loaded.forEach((name, values) -> params.get(name).assign(values));
        }
    }

    @Override
    public Map<String, INDArray> trainableParameters() {
        return trainable;
    }

    @Override
    public double accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
        Map<String, INDArray> feed = feed(batch, true, dropoutSeed);
        List<String> outputs = new ArrayList<>(gradientNames.values());
        outputs.add(BertClassifier.LOSS);
        boolean embeddingsTrain = trainable.containsKey(WORD_EMBEDDINGS);
        if (embeddingsTrain) outputs.add(embedsGradient);
        Map<String, INDArray> out = sd.getFunction("grad").output(feed, outputs.toArray(String[]::new));
        for (Map.Entry<String, String> g : gradientNames.entrySet()) {
            INDArray grad = out.get(g.getValue());
            gradients.get(g.getKey()).addi(scale == 1 ? grad : grad.muli(scale));
        }
        if (embeddingsTrain) scatterAddRows(batch.inputIds(), out.get(embedsGradient), scale, gradients.get(WORD_EMBEDDINGS));
        double loss = out.get(BertClassifier.LOSS).getDouble(0);
        release(feed, out);
        return loss;
    }

    /**
     * Frees this step's inputs and outputs now: their native memory is otherwise returned only
     * when the garbage collector finds them, and a small heap means rare collections while
     * resident memory climbs by hundreds of megabytes a minute.
     */
    private static void release(Map<String, INDArray> feed, Map<String, INDArray> out) {
        for (Map<String, INDArray> arrays : List.of(feed, out)) {
            arrays.forEach((name, a) -> {
                // the labels belong to the caller's batch, reused every epoch
                if (!name.equals(BertClassifier.LABELS) && a.closeable()) a.close();
            });
        }
    }

    /** {@code table[id] += scale · rows[position]} for every non-padding position. */
    private void scatterAddRows(int[][] ids, INDArray rowGradients, double scale, INDArray tableGradient) {
        int hidden = (int) tableGradient.size(1);
        float[] rows = rowGradients.data().asFloat();                                          // [B·T·H]
        FloatBuffer table = tableGradient.data().asNioFloat();
        float s = (float) scale;
        int position = 0;
        for (int[] row : ids) {
            for (int id : row) {
                if (id != padTokenId) {
                    int base = id * hidden, from = position * hidden;
                    for (int h = 0; h < hidden; h++) table.put(base + h, table.get(base + h) + s * rows[from + h]);
                }
                position++;
            }
        }
    }

    @Override
    public INDArray predict(Batch batch) {
        Map<String, INDArray> feed = feed(batch, false, 0);
        INDArray logits = sd.output(feed, BertClassifier.LOGITS).get(BertClassifier.LOGITS);
        release(feed, Map.of());
        return logits;
    }

    @Override
    public double evaluationLoss(Batch batch) {
        Map<String, INDArray> feed = feed(batch, false, 0);
        Map<String, INDArray> out = sd.output(feed, BertClassifier.LOSS);
        double loss = out.get(BertClassifier.LOSS).getDouble(0);
        release(feed, out);
        return loss;
    }

    private Map<String, INDArray> feed(Batch batch, boolean training, long dropoutSeed) {
        Map<String, INDArray> feed = new HashMap<>();
        INDArray ids = Nd4j.createFromArray(batch.inputIds());
        feed.put(BertModel.INPUT_IDS, ids);
        feed.put(BertModel.TOKEN_TYPE_IDS, Nd4j.createFromArray(batch.tokenTypeIds()));
        feed.put(BertModel.ATTENTION_MASK, Nd4j.createFromArray(batch.attentionMask()));
        INDArray table = sd.getVariable(WORD_EMBEDDINGS).getArr();
        feed.put(BertModel.INPUTS_EMBEDS, Nd4j.pullRows(table, 1, ids.reshape(-1).toIntVector()));
        if (batch.labels() != null) feed.put(BertClassifier.LABELS, batch.labels());
        if (training) Nd4j.getRandom().setSeed(dropoutSeed);
        for (DropoutSite site : classifier.encoder().dropoutSites()) {
            feed.put(site.placeholder(), training
                    ? mask(site.maskShape(batch.size(), batch.sequenceLength()), site.p())
                    : Nd4j.ones(DataType.FLOAT, broadcastOnes(site.shape().rank())));
        }
        return feed;
    }

    /** Inverted dropout: 0 with probability p, else 1/(1−p), as torch scales kept activations. */
    private static INDArray mask(long[] shape, double p) {
        INDArray uniform = Nd4j.rand(DataType.FLOAT, shape);
        return uniform.gte(p).castTo(DataType.FLOAT).muli(1.0 / (1.0 - p));
    }

    private static long[] broadcastOnes(int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        return shape;
    }
}

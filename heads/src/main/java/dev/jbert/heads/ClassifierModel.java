package dev.jbert.heads;

import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.checkpoint.SafetensorsWriter;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.train.TrainableModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link EncoderClassifier} driven by the training loop: it runs a batch forward and backward and leaves one
 * gradient per trainable parameter in the loop's arrays.
 *
 * <p>The word-embedding table's gradient is dense, as torch's is (zero rows included), so AdamW moves every row
 * exactly as torch would; the padding row gets none, as {@code nn.Embedding(padding_idx)} does.
 *
 * <p>It holds native memory (parameters, activations, gradients): {@link #close()} frees it, after which the model
 * cannot be used; use it in try-with-resources. Not thread-safe: one thread trains or evaluates it at a time (for
 * concurrent inference, load the saved folder into a {@code TextClassifier}).
 */
public final class ClassifierModel implements TrainableModel, AutoCloseable {

    private final EncoderClassifier classifier;
    private boolean closed;
    private final Tokenizer tokenizer;
    private final Map<String, INDArray> trainable;

    /**
     * @param classifier the encoder and head; the model frees it on {@link #close()}
     * @param tokenizer  saved with the model, so the folder is complete
     * @param trainable  which parameters train (all, or only the head's to freeze the encoder)
     */
    public ClassifierModel(EncoderClassifier classifier, Tokenizer tokenizer, Predicate<String> trainable) {
        this.classifier = classifier;
        this.tokenizer = tokenizer;
        Map<String, INDArray> params = new LinkedHashMap<>();
        classifier.parameters().forEach((name, p) -> {
            if (trainable.test(name)) params.put(name, p);
        });
        this.trainable = Collections.unmodifiableMap(params);
    }

    /**
     * Every parameter, trainable or frozen, by checkpoint name.
     *
     * @return an unmodifiable map of the live arrays
     */
    public Map<String, INDArray> allParameters() {
        return classifier.parameters();
    }

    /** {@return the encoder and head this model trains} */
    public EncoderClassifier classifier() {
        return classifier;
    }

    /** Frees the model's native memory; closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        classifier.free();
    }

    /** {@return the tokenizer saved with the model} */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Parameters of the head only: what trains when the encoder is frozen.
     *
     * @param name a checkpoint key
     * @return whether it is a classification head's
     */
    public static boolean isHeadParameter(String name) {
        return HeadLayout.isHeadParameter(name);
    }

    /**
     * The word-embedding table's key, the largest parameter: its gradient is dense over all rows, as torch's.
     *
     * @return the table's checkpoint key
     */
    public String wordEmbeddingsKey() {
        return classifier.encoder().wordEmbeddingsKey();
    }

    /** No decay for biases and for LayerNorm parameters, whatever the family names them. */
    @Override
    public boolean decays(String parameterName) {
        return !(parameterName.endsWith(".bias") || classifier.isNormParameter(parameterName));
    }

    /**
     * Saves in Hugging Face layout: {@code config.json} (the encoder's own, with architectures, id2label,
     * label2id, problem_type), {@code model.safetensors} (float32, the family's keys) and the tokenizer files.
     * A native head loads in transformers' class of the family unchanged.
     */
    @Override
    public void save(Path dir) {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        allParameters().forEach((name, p) -> {
            tensors.put(name, new SafetensorsWriter.Tensor(ReadBack.buffer(p, ReadBack.Use.SAVING), p.shape()));
        });
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
        try (Checkpoint checkpoint = Checkpoint.open(dir, classifier.encoder().family().checkpointKeys())) {
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
    public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
        Pass pass = Pass.training(dropoutSeed, gradients);
        INDArray logits = classifier.logits(batch, pass);
        return classifier.backward(logits, batch.labels(), batch.exampleWeights(), scale, pass);
    }

    @Override
    public KernelSet kernels() {
        return classifier.encoder().kernels().set();
    }

    @Override
    public double lossNormalizer(Batch batch) {
        return classifier.spec().loss().normalizer(batch.labels(), batch.exampleWeights());
    }

    @Override
    public INDArray predict(Batch batch) {
        return classifier.logits(batch, Pass.inference()).dup();
    }

    @Override
    public double evaluationLoss(Batch batch) {
        return classifier.loss(classifier.logits(batch, Pass.inference()), batch.labels(), batch.exampleWeights());
    }

    @Override
    public double loss(Batch batch, INDArray logits) {
        return classifier.loss(logits, batch.labels(), batch.exampleWeights());
    }
}

package dev.jbert.heads;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.config.ProblemType;
import dev.jbert.bert.model.CheckpointWeights;
import dev.jbert.bert.model.Family;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.heads.loss.Loss;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A classifier's folder in Hugging Face layout, both ways: opening a pretrained encoder (with or
 * without a head) for fine-tuning, and the {@code config.json} a fine-tuned model is saved with.
 * An MLP head, which transformers' BERT classes do not have, is described under {@code jbert_head}
 * so that it loads back here; transformers ignores the key.
 */
public final class SavedClassifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEAD_KEY = "jbert_head";

    private SavedClassifier() {
    }

    /**
     * A trainable classifier on a Hugging Face folder. Tensors the folder lacks for the head are
     * initialised from {@code seed}; every other tensor must be used.
     *
     * @param dir     the Hugging Face folder: {@code config.json}, weights and tokenizer files
     * @param spec    the task, labels, head and loss
     * @param seed    seeds the initialisation of a new head
     * @param trained which parameters training updates
     * @return the model, to close after use
     * @throws ModelFileException when the folder's files cannot be read, do not fit the spec or leave tensors unused
     */
    public static ClassifierModel open(Path dir, ClassifierSpec spec, long seed, TrainedParameters trained) {
        EncoderConfig config = EncoderConfig.load(dir.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.fromDirectory(dir);
        PretrainedEncoder.checkVocabulary(config, tokenizer, dir);
        try (Checkpoint checkpoint = Checkpoint.open(dir, Family.of(config).checkpointKeys())) {
            CheckpointWeights weights = new CheckpointWeights(checkpoint);
            EncoderClassifier classifier;
            try {
                classifier = EncoderClassifier.build(config, weights, spec, seed);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(dir, e.getMessage());
            }
            weights.verify(name -> EncoderClassifier.mayLeaveUnused(name, spec, config));
            Predicate<String> trainable = trained == TrainedParameters.HEAD_ONLY ? ClassifierModel::isHeadParameter : name -> true;
            return new ClassifierModel(classifier, tokenizer, trainable);
        }
    }

    /**
     * The spec a saved fine-tuned folder describes: task from problem_type (or the architecture
     * for token classification), labels from id2label, head from {@code jbert_head}.
     *
     * @param dir the fine-tuned model's folder
     * @return the spec, with the task's default loss
     * @throws ModelFileException when {@code config.json} cannot be read, has no id2label or names an unknown head
     *                            activation
     */
    public static ClassifierSpec specOf(Path dir) {
        Path file = dir.resolve("config.json");
        EncoderConfig config = EncoderConfig.load(file);
        JsonNode raw = readRaw(file);
        Task task = config.architectures().stream().anyMatch(a -> a.endsWith("ForTokenClassification"))
                ? Task.TOKEN_CLASSIFICATION
                : ProblemTypes.forSequences(config.problemType(), config.numLabels(), Loss.LabelKind.CLASS_INDEX);
        if (config.id2label().isEmpty()) {
            throw new ModelFileException(file, "has no id2label: it is not a fine-tuned classifier (expected labels to predict)");
        }
        List<String> labels = new ArrayList<>(config.id2label().values());
        HeadSpec head = HeadSpec.nativeHead();
        JsonNode h = raw.get(HEAD_KEY);
        if (h != null && "mlp".equals(h.path("kind").asText())) {
            String act = h.path("activation").asText();
            head = HeadSpec.mlp(h.path("hidden_size").asInt(), Activation.fromConfigName(act).orElseThrow(() ->
                    new ModelFileException(file, HEAD_KEY + ".activation '" + act + "' is not one of " + Activation.supportedNames())));
        }
        return ClassifierSpec.of(task, labels).withHead(head);
    }

    static ObjectNode configJson(EncoderClassifier classifier) {
        ClassifierSpec spec = classifier.spec();
        String architecture = classifier.encoder().family().className(spec.task() == Task.TOKEN_CLASSIFICATION
                ? "ForTokenClassification" : "ForSequenceClassification");
        Optional<ProblemType> problem = ProblemTypes.of(spec.task());
        ObjectNode json = classifier.encoder().config().withClassifier(spec.labels(), problem, architecture).toJson();
        if (spec.head().kind() == HeadSpec.Kind.MLP) {
            json.putObject(HEAD_KEY).put("kind", "mlp").put("hidden_size", spec.head().mlpHiddenSize())
                    .put("activation", spec.head().mlpActivation().configName());
        }
        return json;
    }

    private static JsonNode readRaw(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}

package dev.jbert.bert.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An encoder's {@code config.json}, as transformers' config class of its {@code model_type} reads it, validated on
 * construction: the settings every family has, under one name. Settings only one family has are read from
 * {@link #raw} by that family ({@link ModernBertSettings}, {@link DebertaV2Settings}). Field names follow the JSON keys; defaults are transformers' defaults for a key
 * that is absent.
 *
 * <p>Immutable, and safe to share between threads, as long as nobody modifies {@link #raw}: the JSON tree is shared
 * (by {@link #withClassifier} too), not copied.
 *
 * @param modelType                  the config's {@code model_type}: one of {@code bert}, {@code distilbert},
 *                                   {@code electra}, {@code roberta}, {@code xlm-roberta}, {@code deberta-v2},
 *                                   {@code modernbert}
 * @param embeddingSize              width of the embeddings; differs from hiddenSize only for ELECTRA's
 *                                   {@code embedding_size}, which {@code embeddings_project} maps up
 * @param vocabSize                  rows of the word embedding table
 * @param hiddenSize                 width of every hidden state
 * @param numHiddenLayers            number of encoder layers
 * @param numAttentionHeads          heads per self-attention; must divide hiddenSize
 * @param intermediateSize           width of the feed-forward layer
 * @param hiddenAct                  activation of the feed-forward layer
 * @param hiddenDropoutProb          dropout on embeddings and every residual branch
 * @param attentionProbsDropoutProb  dropout on attention probabilities
 * @param classifierDropout          dropout before a classification head; null means hiddenDropoutProb
 * @param maxPositionEmbeddings      longest sequence the position table covers
 * @param typeVocabSize              number of token types (segments)
 * @param layerNormEps               epsilon inside every LayerNorm
 * @param initializerRange           std of the normal init of new weights (heads)
 * @param padTokenId                 id of [PAD]
 * @param id2label                   label names by class index (empty when the config has none)
 * @param problemType                the config's problem_type, if it names one
 * @param architectures              the transformers class names that wrote the checkpoint
 * @param raw                        the file's JSON, or null for a config made in code
 */
public record EncoderConfig(
        String modelType,
        int embeddingSize,
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        Activation hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        Double classifierDropout,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        double initializerRange,
        int padTokenId,
        SortedMap<Integer, String> id2label,
        Optional<ProblemType> problemType,
        List<String> architectures,
        ObjectNode raw) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MODEL_TYPES = List.of("bert", "distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2",
            "modernbert");
    /** Families whose embeddings may have no token-type table (type_vocab_size 0). */
    private static final List<String> WITHOUT_TOKEN_TYPES = List.of("deberta-v2", "modernbert");

    /**
     * Validates every setting and copies id2label and architectures into unmodifiable collections.
     *
     * @param modelType                 one of the supported {@code model_type}s
     * @param embeddingSize             embedding width; must be &gt; 0
     * @param vocabSize                 word-table rows; must be &gt; 0
     * @param hiddenSize                hidden width; must be &gt; 0 and a multiple of numAttentionHeads
     * @param numHiddenLayers           layer count; must be &gt; 0
     * @param numAttentionHeads         heads per self-attention; must be &gt; 0
     * @param intermediateSize          feed-forward width; must be &gt; 0
     * @param hiddenAct                 feed-forward activation; must not be null
     * @param hiddenDropoutProb         residual and embedding dropout, in [0, 1)
     * @param attentionProbsDropoutProb attention-probability dropout, in [0, 1)
     * @param classifierDropout         head dropout in [0, 1), or null to use hiddenDropoutProb
     * @param maxPositionEmbeddings     position-table rows; must be &gt; 0
     * @param typeVocabSize             token-type rows; must be &gt; 0, except that DeBERTa-v2 and ModernBERT allow 0
     * @param layerNormEps              LayerNorm epsilon; must be &gt; 0
     * @param initializerRange          std of the normal init; must be &gt; 0
     * @param padTokenId                id of [PAD]; must lie in [0, vocabSize)
     * @param id2label                  label names by class index; the ids must be exactly 0..n-1
     * @param problemType               the config's problem_type, or empty
     * @param architectures             the transformers class names that wrote the checkpoint
     * @param raw                       the file's JSON, or null for a config made in code
     * @throws IllegalArgumentException naming the JSON key of a setting that is out of range: an unsupported
     *                                  {@code model_type}, a size that is not positive, heads that do not divide
     *                                  hiddenSize, a dropout outside [0, 1), a pad id outside the vocabulary, or
     *                                  id2label ids that are not 0..n-1
     */
    public EncoderConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type is '" + modelType + "'; supported encoders are " + String.join(", ", MODEL_TYPES));
        }
        positive("embedding_size", embeddingSize);
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (typeVocabSize < 0 || typeVocabSize == 0 && !WITHOUT_TOKEN_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("type_vocab_size must be > 0, found " + typeVocabSize);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hiddenSize + ") is not a multiple of num_attention_heads ("
                    + numAttentionHeads + "): each head needs hidden_size / num_attention_heads dimensions");
        }
        probability("hidden_dropout_prob", hiddenDropoutProb);
        probability("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) probability("classifier_dropout", classifierDropout);
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("layer_norm_eps must be > 0, found " + layerNormEps);
        if (!(initializerRange > 0)) throw new IllegalArgumentException("initializer_range must be > 0, found " + initializerRange);
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        if (hiddenAct == null) throw new IllegalArgumentException("hidden_act is required");
        id2label = Collections.unmodifiableSortedMap(new TreeMap<>(id2label));
        for (int i = 0; i < id2label.size(); i++) {
            if (!id2label.containsKey(i)) {
                throw new IllegalArgumentException("id2label must number its labels 0.." + (id2label.size() - 1) + ", found ids " + id2label.keySet());
            }
        }
        architectures = List.copyOf(architectures);
    }

    /**
     * The longest input the position table covers: {@code max_position_embeddings}, less RoBERTa's and
     * XLM-RoBERTa's {@code padding_idx + 1} rows that real tokens never use.
     *
     * @return the maximum number of tokens per sequence, special tokens included
     */
    public int maxSequenceLength() {
        return modelType.equals("roberta") || modelType.equals("xlm-roberta") ? maxPositionEmbeddings - padTokenId - 1 : maxPositionEmbeddings;
    }

    /** Equal hyper-parameters, labels and architectures make equal configs; the file's JSON is provenance, not identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderConfig c && withoutRaw().equals(c.withoutRaw());
    }

    @Override
    public int hashCode() {
        return withoutRaw().hashCode();
    }

    private List<Object> withoutRaw() {
        return List.of(modelType, embeddingSize, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, Optional.ofNullable(classifierDropout), maxPositionEmbeddings, typeVocabSize,
                layerNormEps, initializerRange, padTokenId, id2label, problemType, architectures);
    }

    /**
     * Dimensions per attention head.
     *
     * @return {@code hiddenSize / numAttentionHeads}
     */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * Number of labels: the size of id2label, or transformers' default of 2 when it has none.
     *
     * @return the number of classes (or regression outputs) a head predicts
     */
    public int numLabels() {
        return id2label.isEmpty() ? 2 : id2label.size();
    }

    /**
     * Class index by label name, the inverse of id2label.
     *
     * @return an unmodifiable map in class-index order; empty when id2label is
     */
    public Map<String, Integer> label2id() {
        Map<String, Integer> m = new LinkedHashMap<>();
        id2label.forEach((id, name) -> m.put(name, id));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Dropout before a classification head, as transformers resolves classifier_dropout.
     *
     * @return classifierDropout when set, else hiddenDropoutProb
     */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /**
     * This config with a classification head's labels and problem type, for saving a fine-tuned
     * model: transformers reads id2label, label2id, problem_type and architectures from it.
     *
     * @param labels       the head's label names in class-index order; they become id2label
     * @param problem      the problem_type to record, or empty to record none
     * @param architecture the transformers class the saved checkpoint loads into, e.g.
     *                     {@code BertForSequenceClassification}; it replaces architectures
     * @return a copy with these labels, problem type and architecture, keeping every other setting and {@link #raw}
     */
    public EncoderConfig withClassifier(List<String> labels, Optional<ProblemType> problem, String architecture) {
        SortedMap<Integer, String> names = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) names.put(i, labels.get(i));
        return new EncoderConfig(modelType, embeddingSize, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, classifierDropout, maxPositionEmbeddings, typeVocabSize,
                layerNormEps, initializerRange, padTokenId, names, problem, List.of(architecture), raw);
    }

    /**
     * {@code config.json} for saving: the file's own JSON with this config's architectures, labels and problem type,
     * or, for a config made in code, the keys transformers' {@code BertConfig} writes.
     *
     * @return a new JSON object; {@code num_labels} is dropped, and {@code id2label}/{@code label2id} are written only
     *         when there are labels
     */
    public ObjectNode toJson() {
        ObjectNode n = raw != null ? raw.deepCopy() : bertJson();
        n.remove(List.of("id2label", "label2id", "problem_type", "num_labels"));
        var arch = n.putArray("architectures");
        architectures.forEach(arch::add);
        if (!id2label.isEmpty()) {
            var i2l = n.putObject("id2label");
            id2label.forEach((id, name) -> i2l.put(String.valueOf(id), name));
            var l2i = n.putObject("label2id");
            label2id().forEach(l2i::put);
        }
        problemType.ifPresent(p -> n.put("problem_type", p.configName()));
        return n;
    }

    private ObjectNode bertJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", modelType)
                .put("vocab_size", vocabSize)
                .put("hidden_size", hiddenSize)
                .put("num_hidden_layers", numHiddenLayers)
                .put("num_attention_heads", numAttentionHeads)
                .put("intermediate_size", intermediateSize)
                .put("hidden_act", hiddenAct.configName())
                .put("hidden_dropout_prob", hiddenDropoutProb)
                .put("attention_probs_dropout_prob", attentionProbsDropoutProb)
                .put("max_position_embeddings", maxPositionEmbeddings)
                .put("type_vocab_size", typeVocabSize)
                .put("initializer_range", initializerRange)
                .put("layer_norm_eps", layerNormEps)
                .put("pad_token_id", padTokenId)
                .put("position_embedding_type", "absolute");
        if (classifierDropout == null) n.putNull("classifier_dropout");
        else n.put("classifier_dropout", classifierDropout);
        return n;
    }

    /**
     * A BERT config made in code (tests, benchmarks, ONNX imports). Its embedding size is the hidden size, and it
     * has no {@link #raw} JSON.
     *
     * @param vocabSize                 {@code vocab_size}: rows of the word embedding table
     * @param hiddenSize                {@code hidden_size}: width of every hidden state
     * @param numHiddenLayers           {@code num_hidden_layers}
     * @param numAttentionHeads         {@code num_attention_heads}; must divide hiddenSize
     * @param intermediateSize          {@code intermediate_size}: width of the feed-forward layer
     * @param hiddenAct                 {@code hidden_act}
     * @param hiddenDropoutProb         {@code hidden_dropout_prob}
     * @param attentionProbsDropoutProb {@code attention_probs_dropout_prob}
     * @param classifierDropout         {@code classifier_dropout}, or null to use hiddenDropoutProb
     * @param maxPositionEmbeddings     {@code max_position_embeddings}
     * @param typeVocabSize             {@code type_vocab_size}; must be &gt; 0
     * @param layerNormEps              {@code layer_norm_eps}
     * @param initializerRange          {@code initializer_range}
     * @param padTokenId                {@code pad_token_id}
     * @param id2label                  label names by class index, ids 0..n-1; empty for none
     * @param problemType               {@code problem_type}, or empty
     * @param architectures             transformers class names, possibly empty
     * @return the validated config
     * @throws IllegalArgumentException when a setting is out of range, as the canonical constructor checks
     */
    public static EncoderConfig bert(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                                     Activation hiddenAct, double hiddenDropoutProb, double attentionProbsDropoutProb,
                                     Double classifierDropout, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                                     double initializerRange, int padTokenId, SortedMap<Integer, String> id2label,
                                     Optional<ProblemType> problemType, List<String> architectures) {
        return new EncoderConfig("bert", hiddenSize, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, classifierDropout, maxPositionEmbeddings, typeVocabSize, layerNormEps,
                initializerRange, padTokenId, id2label, problemType, architectures, null);
    }

    /**
     * Reads and validates {@code config.json}; every problem is reported against the file.
     *
     * @param file the {@code config.json} path
     * @return the validated config, with the file's JSON as {@link #raw}
     * @throws ModelFileException when the file is missing, unreadable, not JSON, or holds an invalid config
     */
    public static EncoderConfig load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "config.json not found: a Hugging Face model folder must contain it");
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, e.getMessage());
        }
    }

    /**
     * Builds a config from parsed {@code config.json} content, reading the keys of its {@code model_type}.
     *
     * @param root the parsed JSON object; a missing {@code model_type} means {@code bert}
     * @return the validated config, with a copy of {@code root} as {@link #raw}
     * @throws IllegalArgumentException when {@code root} is not an object, or a key has the wrong JSON type, is out
     *                                  of range or names a feature that is not implemented
     */
    public static EncoderConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("expected a JSON object");
        String modelType = text(root, "model_type", "bert");
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type is '" + modelType + "'; supported encoders are " + String.join(", ", MODEL_TYPES));
        }
        Optional<ProblemType> problemType = Optional.empty();
        JsonNode pt = root.get("problem_type");
        if (pt != null && !pt.isNull()) {
            String name = pt.asText();
            problemType = Optional.of(ProblemType.fromConfigName(name).orElseThrow(() -> new IllegalArgumentException(
                    "problem_type '" + name + "' is not one of single_label_classification, multi_label_classification, regression")));
        }
        List<String> architectures = new ArrayList<>();
        JsonNode arch = root.get("architectures");
        if (arch != null && arch.isArray()) arch.forEach(a -> architectures.add(a.asText()));
        ObjectNode raw = ((ObjectNode) root).deepCopy();
        if (modelType.equals("distilbert")) {
            if (root.path("sinusoidal_pos_embds").asBoolean(false)) {
                throw new IllegalArgumentException("sinusoidal_pos_embds is true: only learned DistilBERT position embeddings are implemented");
            }
            double dropout = number(root, "dropout", 0.1);
            int dim = integer(root, "dim", 768);
            // DistilBERT's LayerNorms use eps 1e-12 and its heads the seq_classif_dropout (sequences) or dropout (tokens)
            return new EncoderConfig(modelType, dim, integer(root, "vocab_size", 30522), dim, integer(root, "n_layers", 6),
                    integer(root, "n_heads", 12), integer(root, "hidden_dim", 3072), activation(root, "activation"), dropout,
                    number(root, "attention_dropout", 0.1), number(root, "seq_classif_dropout", 0.2),
                    integer(root, "max_position_embeddings", 512), 1, 1e-12, number(root, "initializer_range", 0.02),
                    integer(root, "pad_token_id", 0), labels(root), problemType, architectures, raw);
        }
        if (modelType.equals("modernbert")) return modernBert(root, problemType, architectures, raw);
        if (modelType.equals("deberta-v2")) return debertaV2(root, problemType, architectures, raw);
        String positionType = text(root, "position_embedding_type", "absolute");
        if (!positionType.equals("absolute")) {
            throw new IllegalArgumentException("position_embedding_type '" + positionType
                    + "' is not supported: only 'absolute' position embeddings are implemented");
        }
        boolean roberta = modelType.equals("roberta") || modelType.equals("xlm-roberta");
        JsonNode cd = root.get("classifier_dropout");
        int hidden = integer(root, "hidden_size", modelType.equals("electra") ? 256 : 768);
        return new EncoderConfig(
                modelType,
                modelType.equals("electra") ? integer(root, "embedding_size", 128) : hidden,
                integer(root, "vocab_size", modelType.equals("electra") ? 30522 : roberta ? 50265 : 30522),
                hidden,
                integer(root, "num_hidden_layers", 12),
                integer(root, "num_attention_heads", modelType.equals("electra") ? 4 : 12),
                integer(root, "intermediate_size", modelType.equals("electra") ? 1024 : 3072),
                activation(root, "hidden_act"),
                number(root, "hidden_dropout_prob", 0.1),
                number(root, "attention_probs_dropout_prob", 0.1),
                cd == null || cd.isNull() ? null : number(root, "classifier_dropout", 0),
                integer(root, "max_position_embeddings", 512),
                integer(root, "type_vocab_size", 2),
                number(root, "layer_norm_eps", 1e-12),
                number(root, "initializer_range", 0.02),
                integer(root, "pad_token_id", roberta ? 1 : 0),
                labels(root),
                problemType,
                architectures,
                raw);
    }

    /** ModernBertConfig's keys and defaults; the rest of its settings are read by {@link ModernBertSettings}. */
    private static EncoderConfig modernBert(JsonNode root, Optional<ProblemType> problemType, List<String> architectures, ObjectNode raw) {
        int hidden = integer(root, "hidden_size", 768);
        EncoderConfig c = new EncoderConfig("modernbert", hidden, integer(root, "vocab_size", 50368), hidden,
                integer(root, "num_hidden_layers", 22), integer(root, "num_attention_heads", 12), integer(root, "intermediate_size", 1152),
                activation(root, "hidden_activation"), number(root, "mlp_dropout", 0.0), number(root, "attention_dropout", 0.0),
                number(root, "classifier_dropout", 0.0), integer(root, "max_position_embeddings", 8192), 0, number(root, "norm_eps", 1e-5),
                number(root, "initializer_range", 0.02), integer(root, "pad_token_id", 50283), labels(root), problemType, architectures, raw);
        ModernBertSettings.of(c);
        return c;
    }

    /** DebertaV2Config's keys and defaults; the disentangled-attention settings are read by {@link DebertaV2Settings}. */
    private static EncoderConfig debertaV2(JsonNode root, Optional<ProblemType> problemType, List<String> architectures, ObjectNode raw) {
        int hidden = integer(root, "hidden_size", 1536);
        JsonNode cd = root.get("cls_dropout");
        EncoderConfig c = new EncoderConfig("deberta-v2", integer(root, "embedding_size", hidden), integer(root, "vocab_size", 128100), hidden,
                integer(root, "num_hidden_layers", 24), integer(root, "num_attention_heads", 24), integer(root, "intermediate_size", 6144),
                activation(root, "hidden_act"), number(root, "hidden_dropout_prob", 0.1), number(root, "attention_probs_dropout_prob", 0.1),
                cd == null || cd.isNull() ? null : number(root, "cls_dropout", 0), integer(root, "max_position_embeddings", 512),
                integer(root, "type_vocab_size", 0), number(root, "layer_norm_eps", 1e-7), number(root, "initializer_range", 0.02),
                integer(root, "pad_token_id", 0), labels(root), problemType, architectures, raw);
        DebertaV2Settings.of(c);
        return c;
    }

    static Activation activation(JsonNode root, String key) {
        String act = text(root, key, "gelu");
        return Activation.fromConfigName(act).orElseThrow(() -> new IllegalArgumentException(
                key + " '" + act + "' is not supported; expected one of " + Activation.supportedNames()));
    }

    /**
     * id2label from the config, cross-checked against label2id and num_labels when those are
     * present too, since transformers trusts id2label and a disagreement means a hand-edited file.
     */
    private static SortedMap<Integer, String> labels(JsonNode root) {
        SortedMap<Integer, String> id2label = new TreeMap<>();
        JsonNode node = root.get("id2label");
        if (node != null && !node.isNull()) {
            if (!node.isObject()) throw new IllegalArgumentException("id2label must be an object of \"id\": \"label\"");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    id2label.put(Integer.parseInt(e.getKey()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("id2label key '" + e.getKey() + "' is not an integer");
                }
            }
        }
        JsonNode l2i = root.get("label2id");
        if (l2i != null && l2i.isObject() && !id2label.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = l2i.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = id2label.get(e.getValue().asInt(-1));
                if (!e.getKey().equals(name)) {
                    throw new IllegalArgumentException("label2id maps '" + e.getKey() + "' to " + e.getValue()
                            + " but id2label maps " + e.getValue() + " to '" + name + "'");
                }
            }
        }
        JsonNode numLabels = root.get("num_labels");
        if (numLabels != null && numLabels.canConvertToInt()) {
            int n = numLabels.asInt();
            if (id2label.isEmpty()) {
                for (int i = 0; i < n; i++) id2label.put(i, "LABEL_" + i);
            } else if (id2label.size() != n) {
                throw new IllegalArgumentException("num_labels is " + n + " but id2label has " + id2label.size() + " labels");
            }
        }
        return id2label;
    }

    static int integer(JsonNode root, String key, int dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be an integer, found " + n);
        }
        return n.asInt();
    }

    static double number(JsonNode root, String key, double dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new IllegalArgumentException(key + " must be a number, found " + n);
        return n.asDouble();
    }

    static boolean bool(JsonNode root, String key, boolean dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw new IllegalArgumentException(key + " must be true or false, found " + n);
        return n.asBoolean();
    }

    static String text(JsonNode root, String key, String dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw new IllegalArgumentException(key + " must be a string, found " + n);
        return n.asText();
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new IllegalArgumentException(key + " must be > 0, found " + v);
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(key + " must be in [0, 1), found " + p);
    }
}

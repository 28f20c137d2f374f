package dev.jbert.heads.inference;


import dev.jbert.core.data.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a loaded model is: its task and labels and the shape of its encoder.
 *
 * @param folder                the folder it was loaded from
 * @param task                  what it predicts
 * @param labels                label names by class index (one name for regression)
 * @param acceptsPairs          whether {@link TextClassifier#classify(String, String)} takes text pairs: sequence
 *                              models whose token-type table has a row for every type id the pair template uses
 * @param maxLength             the token limit inputs are truncated to, special tokens included
 * @param thresholds            multi-label: the threshold of each label (saved per-class ones, a global override,
 *                              or 0.5); empty for other tasks
 * @param vocabSize             rows of the word-embedding table
 * @param hiddenSize            width of the encoder
 * @param numHiddenLayers       encoder layers
 * @param numAttentionHeads     attention heads per layer
 * @param maxPositionEmbeddings position embeddings, the hard length limit
 * @param lowerCase             whether the tokenizer lower-cases (an uncased model)
 * @param modelType             the encoder family, config.json's {@code model_type}
 */
public record ModelInfo(Path folder, Task task, List<String> labels, boolean acceptsPairs, int maxLength,
                        Map<String, Double> thresholds, int vocabSize, int hiddenSize, int numHiddenLayers,
                        int numAttentionHeads, int maxPositionEmbeddings, boolean lowerCase, String modelType) {

    /**
     * Copies the labels and thresholds, keeping their order.
     *
     * @param folder                the model folder
     * @param task                  what it predicts
     * @param labels                label names by class index
     * @param acceptsPairs          whether it takes text pairs
     * @param maxLength             the token limit
     * @param thresholds            multi-label thresholds by label
     * @param vocabSize             rows of the word-embedding table
     * @param hiddenSize            width of the encoder
     * @param numHiddenLayers       encoder layers
     * @param numAttentionHeads     attention heads per layer
     * @param maxPositionEmbeddings position embeddings
     * @param lowerCase             whether the tokenizer lower-cases
     * @param modelType             the encoder family
     */
    public ModelInfo {
        labels = List.copyOf(labels);
        thresholds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(thresholds));
    }
}

package dev.jbert.core.train;

import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.KernelSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the training loop needs of a model: its parameters, and a forward and backward pass on a
 * batch. The loop owns everything else (optimizer, schedule, clipping, accumulation), so any
 * graph can be trained the same way.
 *
 * <p>The trainer calls a model from the training thread only, one call at a time, so implementations need not be
 * thread-safe; models built from the {@code nn} modules are not (one pass at a time).
 */
public interface TrainableModel {

    /**
     * The parameters to train, by checkpoint name, as live arrays the optimizer updates in place.
     * Frozen parameters are not in the map.
     *
     * @return the trainable parameters by name; the arrays themselves, not copies
     */
    Map<String, INDArray> trainableParameters();

    /**
     * Runs the batch forward and backward with dropout drawn from {@code dropoutSeed}, and adds
     * {@code scale} × each parameter's gradient into {@code gradients} (same names and shapes as
     * {@link #trainableParameters()}).
     *
     * @param batch       a labelled batch
     * @param scale       the factor on each gradient before it is added (accumulation's share of the step)
     * @param dropoutSeed the seed of this batch's dropout masks
     * @param gradients   gradient arrays by parameter name, accumulated into
     * @return the batch's loss, unscaled, as a one-element array left where it was computed: the training loop reads it
     *         back only when it logs
     */
    INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients);

    /**
     * The denominator of the batch's mean loss (by default its examples; the tokens that count, or the summed class
     * weights, for losses that average over those), so that the gradients of a batch's parts, each scaled by its
     * normalizer over the whole's, add up to the whole batch's gradient.
     *
     * @param batch a labelled batch
     * @return the denominator, {@code > 0}
     */
    default double lossNormalizer(Batch batch) {
        return batch.size();
    }

    /**
     * The kernel set the model computes with; the optimizer and the gradient norm follow it, so that a model on the
     * device kernels is stepped without reading its arrays' host memory. By default the host's.
     *
     * @return the model's kernel set
     */
    default KernelSet kernels() {
        return KernelSet.HOST;
    }

    /**
     * Raw model outputs for a batch with dropout off (logits), for evaluation and prediction.
     *
     * @param batch the batch, labelled or not
     * @return the logits
     */
    INDArray predict(Batch batch);

    /**
     * The loss of a batch with dropout off, for evaluation.
     *
     * @param batch a labelled batch
     * @return the batch's mean loss
     */
    double evaluationLoss(Batch batch);

    /**
     * The loss of a batch whose {@link #predict} gave {@code logits}: a model that can take the loss from them
     * saves evaluation a second forward pass. By default, {@link #evaluationLoss}.
     *
     * @param batch  a labelled batch
     * @param logits what {@link #predict} returned for it
     * @return the batch's mean loss
     */
    default double loss(Batch batch, INDArray logits) {
        return evaluationLoss(batch);
    }

    /**
     * Whether AdamW's weight decay applies to a parameter. Trainer exempts biases and LayerNorm parameters, found by
     * module type; a model whose norms are not named {@code LayerNorm} (DistilBERT's {@code sa_layer_norm}) says so here.
     *
     * @param parameterName the parameter's checkpoint name
     * @return whether weight decay applies to it
     */
    default boolean decays(String parameterName) {
        return AdamW.huggingFaceDecays(parameterName);
    }

    /**
     * Writes the model into {@code dir} so that it loads back by itself (config and weights).
     *
     * @param dir the folder, created if missing
     */
    void save(Path dir);

    /**
     * Sets every parameter, in place, to the values a {@link #save} wrote into {@code dir}.
     *
     * @param dir a folder {@link #save} wrote
     */
    void load(Path dir);
}

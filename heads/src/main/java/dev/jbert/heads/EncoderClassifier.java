package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.Encoder;
import dev.jbert.bert.model.Family;
import dev.jbert.bert.model.PoolerChoice;
import dev.jbert.bert.model.Weights;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.PrecisionPolicy;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encoder of any family with its family's classification head and a loss, as transformers'
 * {@code <Family>ForSequenceClassification} and {@code <Family>ForTokenClassification} (see {@link HeadLayout}).
 *
 * <p>{@link #logits} runs the encoder and the head; {@link #backward} runs both backwards from the logits'
 * gradient, which {@link #loss}'s graph supplies. Not thread-safe: one pass at a time.
 */
public final class EncoderClassifier {

    private final Encoder encoder;
    private final ClassifierSpec spec;
    private final HeadLayout layout;
    private final ClassificationHead head;
    private final LossGraph loss;
    /** Built at the first batch with example weights (synthetic examples), so runs without them never build it. */
    private LossGraph weightedLoss;
    private final Map<String, INDArray> parameters;
    private final Slot logitsGradient = new Slot();
    private final Slot firstTokens = new Slot();
    private final Slot featuresGradient = new Slot();
    private int lastBatch;
    private int lastSeq;
    private int[][] lastAttentionMask;

    private EncoderClassifier(Encoder encoder, ClassifierSpec spec, HeadLayout layout, ClassificationHead head) {
        this.encoder = encoder;
        this.spec = spec;
        this.layout = layout;
        this.head = head;
        this.loss = new LossGraph(spec, false);
        Map<String, INDArray> all = new LinkedHashMap<>(encoder.parameters());
        all.putAll(head.parameters());
        this.parameters = Collections.unmodifiableMap(all);
    }

    /**
     * Builds encoder, head and loss.
     *
     * @param config  the encoder's configuration ({@code config.json})
     * @param weights encoder weights, and the head's when the checkpoint has one
     * @param spec    the task, labels, head and loss
     * @param seed    seeds the initialisation of a new head
     * @return the classifier, owning native memory until {@link #free()}
     * @throws IllegalArgumentException when a head on the pooled state meets a checkpoint without a pooler
     */
    public static EncoderClassifier build(EncoderConfig config, Weights weights, ClassifierSpec spec, long seed) {
        HeadLayout layout = HeadLayout.of(config, spec);
        Family family = Family.of(config);
        Encoder encoder = family.build(config, weights,
                layout.features() == HeadLayout.Features.POOLED ? PoolerChoice.IF_PRESENT : PoolerChoice.NONE);
        if (layout.features() == HeadLayout.Features.POOLED && !encoder.hasPooler()) {
            throw new IllegalArgumentException("this checkpoint has no pooler (no bert.pooler.dense.weight/bias), as token-classification"
                    + " checkpoints do not: a sequence classifier reads the pooled [CLS] state");
        }
        HeadWeights headWeights = new HeadWeights(weights, config.initializerRange(), seed, spec.checkpointHead());
        ClassificationHead head = new ClassificationHead(layout, config.hiddenSize(), spec.numLabels(), encoder.dropoutSites(), config.layerNormEps(),
                headWeights, encoder.precision(), encoder.kernels());
        return new EncoderClassifier(encoder, spec, layout, head);
    }

    /**
     * Whether a checkpoint tensor may go unused by this classifier: a replaced head's old tensors, the pooler that
     * transformers' token classifiers (and every RoBERTa classifier) never build, DeBERTa's unread position table.
     *
     * @param name   the tensor's checkpoint name
     * @param spec   the classifier's spec
     * @param config the encoder's configuration
     * @return true when leaving the tensor unread is expected, not a sign of a wrong checkpoint
     */
    public static boolean mayLeaveUnused(String name, ClassifierSpec spec, EncoderConfig config) {
        String prefix = Family.of(config).basePrefix();
        return (spec.checkpointHead() == CheckpointHead.REPLACE_MISMATCHED && HeadLayout.isHeadParameter(name))
                || (name.startsWith(prefix + ".pooler.") && (spec.task() == Task.TOKEN_CLASSIFICATION || !prefix.equals("bert")))
                || (name.startsWith("pooler.") && spec.task() == Task.TOKEN_CLASSIFICATION)
                // DeBERTa-v3 checkpoints may store a position table that position_biased_input=false leaves unread
                || name.equals("deberta.embeddings.position_embeddings.weight");
    }

    /**
     * Whether a parameter is a LayerNorm's, the encoder's or the head's: Trainer gives them no weight decay.
     *
     * @param name the parameter's checkpoint name
     * @return true for a LayerNorm weight or bias
     */
    public boolean isNormParameter(String name) {
        return encoder.isNormParameter(name) || head.isNormParameter(name);
    }

    /** {@return the encoder under the head} */
    public Encoder encoder() {
        return encoder;
    }

    /** {@return the task, labels, head and loss this classifier was built for} */
    public ClassifierSpec spec() {
        return spec;
    }

    /** {@return the head's layout: which features it reads and its parameters' names} */
    public HeadLayout layout() {
        return layout;
    }

    /**
     * The precision of every Linear product, the encoder's and the head's.
     *
     * @return the encoder's precision policy, shared with the head
     */
    public PrecisionPolicy precision() {
        return encoder.precision();
    }

    /**
     * Every parameter, encoder's then head's, by checkpoint name.
     *
     * @return an unmodifiable map of the live parameter arrays
     */
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /**
     * The logits of a batch: {@code [B, C]}, or {@code [B·T, C]} for token classification; valid until the next
     * pass.
     *
     * @param batch the encoded examples
     * @param pass  inference, or a training pass (dropout on)
     * @return the logits, an array this classifier reuses
     */
    public INDArray logits(Batch batch, Pass pass) {
        return logits(batch.inputIds(), batch.tokenTypeIds(), batch.attentionMask(), pass);
    }

    /**
     * As {@link #logits(Batch, Pass)} from the input matrices ({@code [B][T]} each; token types may be null).
     *
     * @param inputIds      token ids, {@code [B][T]}
     * @param tokenTypeIds  segment ids, {@code [B][T]}, or null
     * @param attentionMask 1 for a real token, 0 for padding, {@code [B][T]}
     * @param pass          inference, or a training pass (dropout on)
     * @return the logits, {@code [B, C]} or {@code [B·T, C]}, valid until the next pass
     */
    public INDArray logits(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, Pass pass) {
        if (pass.training()) encoder.precision().requireTrainable();
        Encoder.Output out = encoder.forward(inputIds, tokenTypeIds, attentionMask, pass);
        lastBatch = out.batch();
        lastSeq = out.seq();
        INDArray features = switch (layout.features()) {
            case POOLED -> out.pooledOutput();
            case EVERY_TOKEN -> out.lastHiddenState();
            case FIRST_TOKEN -> {
                INDArray first = firstTokens.get(out.batch(), out.lastHiddenState().size(1));
                encoder.kernels().firstTokens(out.lastHiddenState(), first, out.seq());
                yield first;
            }
            case MEAN -> {
                INDArray mean = firstTokens.get(out.batch(), out.lastHiddenState().size(1));
                encoder.kernels().meanPool(out.lastHiddenState(), attentionMask, mean);
                yield mean;
            }
        };
        lastAttentionMask = attentionMask;
        return head.forward(features, pass);
    }

    /**
     * The loss of logits from {@link #logits} against labels in the layout the task's loss takes.
     *
     * @param logits the logits, {@code [N, C]}
     * @param labels the labels, in the layout {@link dev.jbert.heads.loss.Loss#labelKind()} names
     * @return the loss, its plain mean over the batch
     */
    public double loss(INDArray logits, INDArray labels) {
        return loss(logits, labels, null);
    }

    /**
     * The loss of logits from {@link #logits} against labels, each example weighing its weight ({@code [B]}, null for
     * all 1): the weighted mean {@link dev.jbert.heads.loss.Loss#build} describes.
     *
     * @param logits         the logits, {@code [N, C]}
     * @param labels         the labels, in the layout {@link dev.jbert.heads.loss.Loss#labelKind()} names
     * @param exampleWeights per-example weights, {@code [B]}, or null; not for token classification
     * @return the loss
     */
    public double loss(INDArray logits, INDArray labels, float[] exampleWeights) {
        return lossGraph(exampleWeights).loss(logits, labels, exampleWeights);
    }

    private LossGraph lossGraph(float[] exampleWeights) {
        if (exampleWeights == null) return loss;
        if (weightedLoss == null) weightedLoss = new LossGraph(spec, true);
        return weightedLoss;
    }

    /**
     * The backward pass of the last {@link #logits} for the loss against {@code labels} (each example weighing its
     * weight, or 1 when {@code exampleWeights} is null), its gradient scaled by {@code scale} (1/accumulation steps),
     * adding into the gradients {@code pass} names. Returns the loss, unscaled, as a one-element array where it was
     * computed.
     *
     * @param logits         the logits the last {@link #logits} call returned
     * @param labels         the labels, in the layout {@link dev.jbert.heads.loss.Loss#labelKind()} names
     * @param exampleWeights per-example weights, {@code [B]}, or null; not for token classification
     * @param scale          the factor on the gradient, not on the returned loss
     * @param pass           the training pass of the forward call; names the gradients to add into
     * @return the unscaled loss, a one-element array
     */
    public INDArray backward(INDArray logits, INDArray labels, float[] exampleWeights, double scale, Pass pass) {
        INDArray dLogits = logitsGradient.get(logits.shape());
        INDArray value = lossGraph(exampleWeights).lossAndGradient(logits, labels, exampleWeights, scale, dLogits);
        String encoderPrefix = encoder.family().basePrefix() + ".";
        if (layout.parameterNames().stream().noneMatch(n -> pass.gradient(n) != null) && !pass.trainsAny(encoderPrefix)) return value;
        INDArray dFeatures = head.backward(dLogits, pass);
        switch (layout.features()) {
            case POOLED -> encoder.backward(null, dFeatures, pass);
            case EVERY_TOKEN -> encoder.backward(dFeatures, null, pass);
            case FIRST_TOKEN -> {
                if (!pass.trainsAny(encoderPrefix)) return value;
                INDArray dHidden = featuresGradient.zeros((long) lastBatch * lastSeq, dFeatures.size(1));
                encoder.kernels().addFirstTokens(dFeatures, dHidden, lastSeq);
                encoder.backward(dHidden, null, pass);
            }
            case MEAN -> {
                if (!pass.trainsAny(encoderPrefix)) return value;
                INDArray dHidden = featuresGradient.zeros((long) lastBatch * lastSeq, dFeatures.size(1));
                encoder.kernels().addMeanPool(dFeatures, lastAttentionMask, dHidden);
                encoder.backward(dHidden, null, pass);
            }
        }
        return value;
    }

    /**
     * Frees the native memory of activations and gradients kept between passes, and of the parameters: the
     * classifier cannot be used afterwards.
     */
    public void free() {
        encoder.release();
        head.release();
        logitsGradient.release();
        firstTokens.release();
        featuresGradient.release();
        NativeMemory.free(parameters.values());
    }
}

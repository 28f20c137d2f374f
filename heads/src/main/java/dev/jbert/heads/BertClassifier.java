package dev.jbert.heads;

import dev.jbert.bert.config.BertConfig;
import dev.jbert.bert.model.BertModel;
import dev.jbert.bert.model.Weights;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The encoder with a classification head and its loss, as transformers' BertForSequenceClassification and
 * BertForTokenClassification: dropout then {@code classifier} on the pooled output (sequence tasks) or on every
 * token's state (token tasks).
 *
 * <p>{@link #logits} runs the encoder and the head; {@link #backward} runs both backwards from the logits'
 * gradient, which {@link #loss}'s graph supplies. Not thread-safe: one pass at a time.
 */
public final class BertClassifier {

    private final BertModel encoder;
    private final ClassifierSpec spec;
    private final ClassificationHead head;
    private final LossGraph loss;
    private final Map<String, INDArray> parameters;
    private final Slot logitsGradient = new Slot();
    private final boolean tokens;

    private BertClassifier(BertModel encoder, ClassifierSpec spec, ClassificationHead head) {
        this.encoder = encoder;
        this.spec = spec;
        this.head = head;
        this.loss = new LossGraph(spec);
        Map<String, INDArray> all = new LinkedHashMap<>(encoder.parameters());
        all.putAll(head.parameters());
        this.parameters = Collections.unmodifiableMap(all);
        this.tokens = spec.task() == TaskType.TOKEN_CLASSIFICATION;
    }

    /**
     * Builds encoder, head and loss.
     *
     * @param weights encoder weights, and the head's when the checkpoint has one
     * @param seed    seeds the initialisation of a new head
     */
    public static BertClassifier build(BertConfig config, Weights weights, ClassifierSpec spec, long seed) {
        boolean tokenTask = spec.task() == TaskType.TOKEN_CLASSIFICATION;
        BertModel encoder = BertModel.build(config, weights, tokenTask ? BertModel.Pooling.NONE : BertModel.Pooling.IF_IN_CHECKPOINT);
        if (!tokenTask && !encoder.hasPooler()) {
            throw new IllegalArgumentException("this checkpoint has no pooler (no bert.pooler.dense.weight/bias), as token-classification"
                    + " checkpoints do not: a sequence classifier reads the pooled [CLS] state");
        }
        HeadWeights headWeights = new HeadWeights(weights, config.initializerRange(), seed, spec.replaceHead());
        ClassificationHead head = new ClassificationHead(spec.head(), config.hiddenSize(), spec.numLabels(),
                config.effectiveClassifierDropout(), encoder.dropoutSites(), headWeights);
        return new BertClassifier(encoder, spec, head);
    }

    public BertModel encoder() {
        return encoder;
    }

    public ClassifierSpec spec() {
        return spec;
    }

    /** Every parameter, encoder's then head's, by checkpoint name. */
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /**
     * The logits of a batch: {@code [B, C]}, or {@code [B·T, C]} for token classification; valid until the next
     * pass.
     */
    public INDArray logits(Batch batch, Pass pass) {
        return logits(batch.inputIds(), batch.tokenTypeIds(), batch.attentionMask(), pass);
    }

    /** As {@link #logits(Batch, Pass)} from the three input matrices ({@code [B][T]} each). */
    public INDArray logits(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, Pass pass) {
        BertModel.Output out = encoder.forward(inputIds, tokenTypeIds, attentionMask, pass);
        return head.forward(tokens ? out.lastHiddenState() : out.pooledOutput(), pass);
    }

    /** The loss of logits from {@link #logits} against labels in the layout the task's loss takes. */
    public double loss(INDArray logits, INDArray labels) {
        return loss.loss(logits, labels);
    }

    /**
     * The backward pass of the last {@link #logits} for the loss against {@code labels}, its gradient scaled by
     * {@code scale} (1/accumulation steps), adding into the gradients {@code pass} names. Returns the loss.
     */
    public double backward(INDArray logits, INDArray labels, double scale, Pass pass) {
        INDArray dLogits = logitsGradient.get(logits.shape());
        double value = loss.lossAndGradient(logits, labels, scale, dLogits);
        if (!pass.trainsAny("classifier.") && !pass.trainsAny("bert.")) return value;
        INDArray dFeatures = head.backward(dLogits, pass);
        if (tokens) {
            encoder.backward(dFeatures, null, pass);
        } else {
            encoder.backward(null, dFeatures, pass);
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
        for (INDArray p : parameters.values()) {
            if (p.closeable() && !p.wasClosed()) p.close();
        }
    }
}

package dev.jbert.heads;

import dev.jbert.bert.config.BertConfig;
import dev.jbert.bert.model.BertModel;
import dev.jbert.bert.model.DropoutSite;
import dev.jbert.bert.model.Weights;
import org.nd4j.autodiff.samediff.ArrayHolder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The encoder with a classification head and its loss, in one SameDiff graph, as transformers'
 * BertForSequenceClassification and BertForTokenClassification: dropout then {@code classifier}
 * on the pooled output (sequence tasks) or on every token's state (token tasks).
 *
 * <p>Outputs: {@link #LOGITS} ({@code [batch, C]}, or {@code [batch·seq, C]} for tokens) and
 * {@link #LOSS}, which needs the {@link #LABELS} placeholder.
 */
public final class BertClassifier {

    /** Labels placeholder; its layout follows the task (see {@link dev.jbert.heads.loss.Loss.LabelKind}). */
    public static final String LABELS = "labels";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";

    private final BertModel encoder;
    private final ClassifierSpec spec;
    private final SDVariable logits;
    private final SDVariable loss;

    private BertClassifier(BertModel encoder, ClassifierSpec spec, SDVariable logits, SDVariable loss) {
        this.encoder = encoder;
        this.spec = spec;
        this.logits = logits;
        this.loss = loss;
    }

    /**
     * Builds encoder, head and loss into a new SameDiff.
     *
     * @param weights encoder weights, and the head's when the checkpoint has one
     * @param seed    seeds the initialisation of a new head
     */
    public static BertClassifier build(BertConfig config, Weights weights, ClassifierSpec spec, BertModel.Mode mode, long seed) {
        SameDiff sd = SameDiff.create();
        BertModel encoder = BertModel.build(sd, config, weights, mode,
                spec.task() == TaskType.TOKEN_CLASSIFICATION ? BertModel.Pooling.NONE : BertModel.Pooling.IF_IN_CHECKPOINT);
        HeadWeights headWeights = new HeadWeights(weights, config.initializerRange(), seed, spec.replaceHead());
        int hidden = config.hiddenSize();

        SDVariable features;
        DropoutSite.Shape shape;
        if (spec.task() == TaskType.TOKEN_CLASSIFICATION) {
            features = sd.reshape(encoder.lastHiddenState(), -1, hidden);                   // [B·T, H]
            shape = DropoutSite.Shape.HIDDEN;
        } else {
            features = encoder.pooledOutput();                                               // [B, H]
            shape = DropoutSite.Shape.POOLED;
        }
        double p = config.effectiveClassifierDropout();
        SDVariable x = encoder.dropout("classifier", features, p, shape, hidden);
        SDVariable logits = switch (spec.head().kind()) {
            case LINEAR -> encoder.linear("classifier", x, hidden, spec.numLabels(), headWeights);
            case MLP -> {
                int mid = spec.head().mlpHiddenSize();
                SDVariable h = encoder.activation(encoder.linear("classifier.dense", x, hidden, mid, headWeights),
                        spec.head().mlpActivation());
                h = encoder.dropout("classifier.dense", h, p, shape, mid);
                yield encoder.linear("classifier.out_proj", h, mid, spec.numLabels(), headWeights);
            }
        };
        logits = sd.identity(LOGITS, logits);
        SDVariable labels = labelsPlaceholder(sd, spec);
        SDVariable loss = sd.identity(LOSS, spec.loss().build(sd, logits, labels, spec.numLabels()));
        sd.setLossVariables(LOSS);
        return new BertClassifier(encoder, spec, logits, loss);
    }

    private static SDVariable labelsPlaceholder(SameDiff sd, ClassifierSpec spec) {
        return switch (ClassifierSpec.labelKind(spec.task())) {
            case CLASS_INDEX -> spec.task() == TaskType.TOKEN_CLASSIFICATION
                    ? sd.placeHolder(LABELS, DataType.INT, -1, -1)                                 // [B, T]
                    : sd.placeHolder(LABELS, DataType.INT, -1);                                    // [B]
            case MULTI_HOT -> sd.placeHolder(LABELS, DataType.FLOAT, -1, spec.numLabels());       // [B, C]
            case REAL -> sd.placeHolder(LABELS, DataType.FLOAT, -1);                              // [B]
        };
    }

    public SameDiff sameDiff() {
        return encoder.sameDiff();
    }

    public BertModel encoder() {
        return encoder;
    }

    public ClassifierSpec spec() {
        return spec;
    }

    public SDVariable logits() {
        return logits;
    }

    public SDVariable loss() {
        return loss;
    }

    /**
     * Frees the graph's native memory now (weights, constants, the activations its sessions cache, the
     * gradient function's as well) rather than whenever the garbage collector finds it. The classifier
     * cannot be used afterwards.
     */
    public void free() {
        SameDiff sd = sameDiff();
        List<SameDiff> graphs = sd.hasGradientFunction() ? List.of(sd.getFunction("grad"), sd) : List.of(sd);
        for (SameDiff graph : graphs) {
            for (InferenceSession session : graph.getSessions().values()) {
                if (session.getMmgr() != null) session.getMmgr().close();
            }
            graph.getSessions().clear();
            for (ArrayHolder holder : List.of(graph.getVariablesArrays(), graph.getConstantArrays())) {
                for (String name : List.copyOf(holder.arrayNames())) {
                    INDArray a = holder.removeArray(name);
                    if (a != null && a.closeable() && !a.wasClosed()) a.close();
                }
            }
        }
    }
}

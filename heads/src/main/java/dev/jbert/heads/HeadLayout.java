package dev.jbert.heads;

import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.model.Family;

import java.util.ArrayList;
import java.util.List;

/**
 * The classification head a family's transformers class puts on its encoder, layer by layer and key by key:
 * which features it reads, whether dropout comes first, an optional dense layer with its activation and dropout,
 * and the output layer.
 *
 * <ul>
 *   <li>BERT, sequences: dropout, {@code classifier} on the pooled output (or jbert's MLP head there).</li>
 *   <li>RoBERTa, XLM-RoBERTa: dropout, {@code classifier.dense}, tanh, dropout, {@code classifier.out_proj} on the
 *       first token.</li>
 *   <li>ELECTRA: the same with GELU.</li>
 *   <li>DistilBERT: {@code pre_classifier}, ReLU, dropout ({@code seq_classif_dropout}), {@code classifier} on the
 *       first token.</li>
 *   <li>Every family, tokens: dropout, {@code classifier} on every token.</li>
 * </ul>
 *
 * @param features      what the head reads
 * @param inputDropout  dropout on the features first
 * @param dense         the hidden dense layer's prefix, or null
 * @param denseWidth    its output width
 * @param activation    its activation
 * @param out           the output layer's prefix
 * @param dropout       the probability of every dropout in the head
 */
public record HeadLayout(Features features, boolean inputDropout, String dense, int denseWidth, Activation activation, String out,
                         double dropout) {

    /** What a head reads from the encoder. */
    public enum Features { POOLED, FIRST_TOKEN, EVERY_TOKEN }

    /** The head for {@code spec} on an encoder of {@code config}'s family. */
    public static HeadLayout of(EncoderConfig config, ClassifierSpec spec) {
        Family family = Family.of(config);
        double p = config.effectiveClassifierDropout();
        boolean mlp = spec.head().kind() == HeadSpec.Kind.MLP;
        if (mlp && family != Family.BERT) {
            throw new IllegalArgumentException("the MLP head sits on BERT's pooler; a " + family.modelType()
                    + " model has its own head already (use the native head)");
        }
        if (spec.task() == TaskType.TOKEN_CLASSIFICATION) {
            if (mlp) throw new IllegalArgumentException("token classification takes the native head (one Linear on every token), not the MLP head");
            // DistilBertForTokenClassification drops out with config.dropout, not seq_classif_dropout
            return new HeadLayout(Features.EVERY_TOKEN, true, null, 0, null, "classifier",
                    family == Family.DISTILBERT ? config.hiddenDropoutProb() : p);
        }
        int h = config.hiddenSize();
        return switch (family) {
            case BERT -> mlp
                    ? new HeadLayout(Features.POOLED, true, "classifier.dense", spec.head().mlpHiddenSize(), spec.head().mlpActivation(),
                    "classifier.out_proj", p)
                    : new HeadLayout(Features.POOLED, true, null, 0, null, "classifier", p);
            case ROBERTA, XLM_ROBERTA -> new HeadLayout(Features.FIRST_TOKEN, true, "classifier.dense", h, Activation.TANH, "classifier.out_proj", p);
            case ELECTRA -> new HeadLayout(Features.FIRST_TOKEN, true, "classifier.dense", h, Activation.GELU, "classifier.out_proj", p);
            case DISTILBERT -> new HeadLayout(Features.FIRST_TOKEN, false, "pre_classifier", h, Activation.RELU, "classifier", p);
        };
    }

    /** The head's parameters, by checkpoint key. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        if (dense != null) {
            names.add(dense + ".weight");
            names.add(dense + ".bias");
        }
        names.add(out + ".weight");
        names.add(out + ".bias");
        return names;
    }

    /** Whether a checkpoint key belongs to a classification head of any family. */
    public static boolean isHeadParameter(String name) {
        return name.startsWith("classifier.") || name.startsWith("pre_classifier.");
    }
}

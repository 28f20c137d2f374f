package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.DebertaV2Settings;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.config.ModernBertSettings;
import dev.jbert.bert.model.Family;

import java.util.ArrayList;
import java.util.List;

/**
 * The classification head a family's transformers class puts on its encoder, layer by layer and key by key:
 * which features it reads, whether dropout comes first, an optional dense layer with its activation, an optional
 * LayerNorm after it and dropout, and the output layer.
 *
 * <ul>
 *   <li>BERT, sequences: dropout, {@code classifier} on the pooled output (or jbert's MLP head there).</li>
 *   <li>RoBERTa, XLM-RoBERTa: dropout, {@code classifier.dense}, tanh, dropout, {@code classifier.out_proj} on the
 *       first token.</li>
 *   <li>ELECTRA: the same with GELU.</li>
 *   <li>DistilBERT: {@code pre_classifier}, ReLU, dropout ({@code seq_classif_dropout}), {@code classifier} on the
 *       first token.</li>
 *   <li>DeBERTa-v2, sequences: dropout ({@code pooler_dropout}), {@code pooler.dense}, its activation (the
 *       ContextPooler), dropout ({@code cls_dropout}), {@code classifier} on the first token.</li>
 *   <li>ModernBERT, sequences and tokens: {@code head.dense}, {@code classifier_activation}, {@code head.norm},
 *       dropout, {@code classifier}, on the first token or the mean of the unpadded ones
 *       ({@code classifier_pooling}) or on every token.</li>
 *   <li>Every other family, tokens: dropout, {@code classifier} on every token.</li>
 * </ul>
 *
 * @param features     what the head reads
 * @param inputDropout the probability of dropout on the features first, or null for none
 * @param dense        the hidden dense layer's prefix, or null
 * @param denseWidth   its output width
 * @param denseBias    whether it has a bias
 * @param activation   its activation
 * @param norm         the prefix of a LayerNorm after the activation, or null
 * @param normBias     whether that LayerNorm has a bias
 * @param out          the output layer's prefix
 * @param dropout      the probability of the dropout before the output layer (after the hidden layer, if any)
 */
public record HeadLayout(Features features, Double inputDropout, String dense, int denseWidth, boolean denseBias, Activation activation,
                         String norm, boolean normBias, String out, double dropout) {

    /** What a head reads from the encoder. */
    public enum Features {
        /** The pooler's output, {@code [B, H]}: its dense layer and tanh on the first token's state. */
        POOLED,
        /** The first token's last hidden state, {@code [B, H]}. */
        FIRST_TOKEN,
        /** The mean of the unpadded tokens' last hidden states, {@code [B, H]}. */
        MEAN,
        /** Every token's last hidden state, {@code [B·T, H]}, for token classification. */
        EVERY_TOKEN
    }

    /**
     * The head for {@code spec} on an encoder of {@code config}'s family.
     *
     * @param config the encoder's configuration
     * @param spec   the task and head kind
     * @return the layout of transformers' head for that family and task
     * @throws IllegalArgumentException for an MLP head on a family other than BERT, or on token classification
     */
    public static HeadLayout of(EncoderConfig config, ClassifierSpec spec) {
        Family family = Family.of(config);
        double p = config.effectiveClassifierDropout();
        boolean mlp = spec.head().kind() == HeadSpec.Kind.MLP;
        if (mlp && family != Family.BERT) {
            throw new IllegalArgumentException("the MLP head sits on BERT's pooler; a " + family.modelType()
                    + " model has its own head already (use the native head)");
        }
        boolean tokens = spec.task() == Task.TOKEN_CLASSIFICATION;
        if (tokens && mlp) throw new IllegalArgumentException("token classification takes the native head (one Linear on every token), not the MLP head");
        int h = config.hiddenSize();
        if (family == Family.MODERNBERT) {
            ModernBertSettings s = ModernBertSettings.of(config);
            Features features = tokens ? Features.EVERY_TOKEN : s.meanPooling() ? Features.MEAN : Features.FIRST_TOKEN;
            return new HeadLayout(features, null, "head.dense", h, s.classifierBias(), s.classifierActivation(), "head.norm", s.normBias(),
                    "classifier", p);
        }
        if (tokens) {
            // DistilBERT's and DeBERTa's token classifiers drop out with the hidden dropout, not the classifier's
            double tokenDropout = family == Family.DISTILBERT || family == Family.DEBERTA_V2 ? config.hiddenDropoutProb() : p;
            return linear(Features.EVERY_TOKEN, tokenDropout, "classifier");
        }
        return switch (family) {
            case BERT -> mlp
                    ? hidden(Features.POOLED, p, "classifier.dense", spec.head().mlpHiddenSize(), spec.head().mlpActivation(), "classifier.out_proj", p)
                    : linear(Features.POOLED, p, "classifier");
            case ROBERTA, XLM_ROBERTA -> hidden(Features.FIRST_TOKEN, p, "classifier.dense", h, Activation.TANH, "classifier.out_proj", p);
            case ELECTRA -> hidden(Features.FIRST_TOKEN, p, "classifier.dense", h, Activation.GELU, "classifier.out_proj", p);
            case DISTILBERT -> hidden(Features.FIRST_TOKEN, null, "pre_classifier", h, Activation.RELU, "classifier", p);
            case DEBERTA_V2 -> {
                DebertaV2Settings s = DebertaV2Settings.of(config);
                yield hidden(Features.FIRST_TOKEN, s.poolerDropout(), "pooler.dense", h, s.poolerHiddenAct(), "classifier", p);
            }
            case MODERNBERT -> throw new AssertionError("handled above");
        };
    }

    private static HeadLayout linear(Features features, double dropout, String out) {
        return new HeadLayout(features, dropout, null, 0, false, null, null, false, out, dropout);
    }

    private static HeadLayout hidden(Features features, Double inputDropout, String dense, int width, Activation act, String out, double dropout) {
        return new HeadLayout(features, inputDropout, dense, width, true, act, null, false, out, dropout);
    }

    /**
     * The head's parameters, by checkpoint key.
     *
     * @return the keys: dense layer, LayerNorm, then output layer
     */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        if (dense != null) {
            names.add(dense + ".weight");
            if (denseBias) names.add(dense + ".bias");
        }
        if (norm != null) {
            names.add(norm + ".weight");
            if (normBias) names.add(norm + ".bias");
        }
        names.add(out + ".weight");
        names.add(out + ".bias");
        return names;
    }

    /**
     * Whether a checkpoint key belongs to a classification head of any family.
     *
     * @param name the checkpoint key
     * @return true for keys under {@code classifier.}, {@code pre_classifier.}, {@code pooler.} or {@code head.}
     */
    public static boolean isHeadParameter(String name) {
        return name.startsWith("classifier.") || name.startsWith("pre_classifier.") || name.startsWith("pooler.") || name.startsWith("head.");
    }
}

package dev.jbert.bert.model;

import dev.jbert.bert.config.DebertaV2Settings;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DeBERTa-v2's DisentangledSelfAttention: content-to-content scores plus, with relative attention on,
 * content-to-position ({@code c2p}: query i against the relative embedding of {@code δ(i, j)}, projected by the key
 * layer) and position-to-content ({@code p2c}: key j against it projected by the query layer), where {@code δ} is
 * the (log-bucketed) relative position clamped into the table. The sum is divided by {@code √(head_size · (1 +
 * terms))}. Padded queries' rows are masked whole, as DeBERTa's 2-D mask does.
 *
 * <p>With {@code share_att_key} the positions are projected by {@code query_proj} and {@code key_proj} themselves,
 * so their gradients gather both uses; otherwise by {@code pos_query_proj} and {@code pos_key_proj}. The relative
 * embeddings, normalised once per pass for all layers ({@link DebertaV2Encoder}), get their own dropout here.
 */
final class DisentangledSelfAttention implements SelfAttention {

    private final BertSelfAttention content;
    private final Linear positionQuery;        // null without p2c
    private final Linear positionKey;          // null without c2p
    private final Dropout positionDropout;
    private final DebertaV2Encoder.RelativeEmbeddings relative;
    private final Kernels.RelativePositionKernel terms;
    private final Slot droppedRelative = new Slot();
    private final Slot relativeGradient = new Slot();

    DisentangledSelfAttention(ModuleBuilder b, String prefix, DebertaV2Settings s, DebertaV2Encoder.RelativeEmbeddings relative) {
        EncoderConfig c = b.config();
        int h = c.hiddenSize();
        boolean on = s.relativeAttention();
        float scale = (float) Math.sqrt((float) c.headSize() * s.scaleFactor());
        this.relative = relative;
        this.positionDropout = on ? b.dropout(c.hiddenDropoutProb()) : null;
        this.terms = on && (s.c2p() || s.p2c()) ? b.kernels().relativePositions(c.numAttentionHeads(), c.headSize(), scale) : null;
        this.content = new BertSelfAttention(b, prefix, LayerNames.DEBERTA_V2,
                new Kernels.AttentionOptions(Integer.MAX_VALUE, 1.0 / scale, true, terms));
        String self = prefix + ".attention.self";
        if (on && s.shareAttKey()) {
            // the same tensors under the same names, in modules of their own so that each use keeps its own input
            Linear key = content.key(), query = content.query();
            this.positionKey = s.c2p() ? b.sharedLinear(self + ".key_proj", key) : null;
            this.positionQuery = s.p2c() ? b.sharedLinear(self + ".query_proj", query) : null;
        } else {
            this.positionKey = on && s.c2p() ? b.linear(self + ".pos_key_proj", h, h) : null;
            this.positionQuery = on && s.p2c() ? b.linear(self + ".pos_query_proj", h, h) : null;
        }
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        if (terms != null) {
            INDArray rel = relative.normalised();
            if (positionDropout.active(pass)) {
                INDArray dropped = droppedRelative.get(rel.shape());
                positionDropout.apply(rel, dropped, pass);
                rel = dropped;
            }
            terms.positions(positionKey == null ? null : positionKey.forward(rel), positionQuery == null ? null : positionQuery.forward(rel),
                    relative.index(mask.seq()));
        }
        return content.forward(hidden, mask, pass);
    }

    @Override
    public void backward(INDArray dContext, INDArray dHidden, Pass pass) {
        content.backward(dContext, dHidden, pass);
        if (terms == null || !relative.trains()) return;
        INDArray dRel = relativeGradient.zeros(relative.normalised().shape());
        if (positionKey != null) positionKey.backward(terms.positionKeyGradient(), dRel, true, pass);
        if (positionQuery != null) positionQuery.backward(terms.positionQueryGradient(), dRel, true, pass);
        positionDropout.apply(dRel, pass);
        relative.addGradient(dRel);
    }

    @Override
    public void release() {
        content.release();
        if (positionKey != null) positionKey.release();
        if (positionQuery != null) positionQuery.release();
        if (terms != null) terms.release();
        droppedRelative.release();
        relativeGradient.release();
    }
}

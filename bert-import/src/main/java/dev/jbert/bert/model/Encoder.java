package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.PrecisionPolicy;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * An encoder of any supported family, as its family's model class assembled it ({@link BertModel},
 * {@link RobertaModel}, {@link ElectraModel}, {@link DistilBertModel}, {@link DebertaV2Model}, {@link ModernBertModel}):
 * embeddings, ELECTRA's optional projection, the family's {@link EncoderStack} and BERT's optional pooler. Each module holds its parameters under their
 * checkpoint keys, so {@code roberta.encoder.layer.3.attention.self.query.weight} is both the tensor in
 * {@code model.safetensors} and the name its gradient goes by.
 *
 * <p>Every module has a forward and a backward pass, written out (the {@code dev.jbert.core.nn} kernels): ND4J's
 * SameDiff computed the same values, but spent as long again as the matrix products on allocating, on per-op
 * dispatch and on slow broadcasting gradients (bench/RESULTS.md). Hidden states are {@code [batch·seq, hidden]}
 * throughout, so every Linear is one GEMM. Buffers are reused from batch to batch; the outputs a pass returns
 * stay valid until the next pass. Not thread-safe: one pass at a time.
 */
public final class Encoder {

    /**
     * One pass's outputs, valid until the next pass.
     *
     * @param lastHiddenState {@code [batch·seq, hidden]}
     * @param pooledOutput    {@code [batch, hidden]}: BERT's pooler on the first token; null without one
     * @param batch           rows in the batch (B)
     * @param seq             tokens per row (T)
     */
    public record Output(INDArray lastHiddenState, INDArray pooledOutput, int batch, int seq) {
    }

    private final Family family;
    private final EncoderConfig config;
    private final Map<String, INDArray> parameters;
    private final Set<String> norms;
    private final int dropoutSites;
    private final Embeddings embeddings;
    private final Linear projection;
    private final EncoderStack stack;
    private final Pooler pooler;
    private final PrecisionPolicy precision;
    private final Kernels kernels;
    private final Slot hiddenGradient = new Slot();
    private int batch;
    private int seq;

    /**
     * @param projection ELECTRA's {@code embeddings_project}, or null
     * @param pooler     BERT's pooler, or null
     */
    Encoder(Family family, ModuleBuilder b, Embeddings embeddings, Linear projection, EncoderStack stack, Pooler pooler) {
        this.family = family;
        this.config = b.config();
        this.parameters = Collections.unmodifiableMap(b.parameters());
        this.norms = Set.copyOf(b.norms());
        this.dropoutSites = b.dropoutSites();
        this.precision = b.precision();
        this.kernels = b.kernels();
        this.embeddings = embeddings;
        this.projection = projection;
        this.stack = stack;
        this.pooler = pooler;
    }

    /**
     * The family whose model class built this encoder.
     *
     * @return the encoder family
     */
    public Family family() {
        return family;
    }

    /**
     * The config the encoder was built from.
     *
     * @return the encoder's config
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * Every parameter, by checkpoint key, in checkpoint order.
     *
     * @return an unmodifiable map of the live parameter arrays (not copies)
     */
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /**
     * The LayerNorm parameters: Trainer gives them no weight decay, whatever the family calls them.
     *
     * @param name a parameter's checkpoint key
     * @return whether it is a LayerNorm weight or bias of this encoder
     */
    public boolean isNormParameter(String name) {
        return norms.contains(name);
    }

    /**
     * The word-embedding table's key.
     *
     * @return its checkpoint key, e.g. {@code bert.embeddings.word_embeddings.weight}
     */
    public String wordEmbeddingsKey() {
        return embeddings.wordsKey();
    }

    /**
     * The kernels the encoder computes with; a head built on the encoder uses them too.
     *
     * @return the encoder's kernels
     */
    public Kernels kernels() {
        return kernels;
    }

    /**
     * The precision the encoder's Linears multiply in; a head built on the encoder shares it.
     *
     * @return the encoder's precision policy
     */
    public PrecisionPolicy precision() {
        return precision;
    }

    /**
     * Whether a pooler was built (BERT sequence checkpoints have one).
     *
     * @return whether {@link Output#pooledOutput} is set
     */
    public boolean hasPooler() {
        return pooler != null;
    }

    /**
     * The longest input the position table covers, special tokens included.
     *
     * @return the maximum tokens per row that {@link #forward} accepts
     */
    public int maxLength() {
        return embeddings.maxLength();
    }

    /**
     * Dropout sites the encoder numbers for its masks are {@code [0, dropoutSites())}; heads take later numbers.
     *
     * @return the number of dropout sites the encoder uses
     */
    public int dropoutSites() {
        return dropoutSites;
    }

    /**
     * Runs the encoder on a batch of equal-length rows.
     *
     * @param inputIds      {@code [B][T]} token ids
     * @param tokenTypeIds  {@code [B][T]} segment ids; null for zeros, and unused by families without token types
     * @param attentionMask {@code [B][T]}, 1 for real tokens and 0 for padding
     * @param pass          inference, or training with dropout and the gradients a following {@link #backward} fills
     * @return the outputs, valid until the next pass
     * @throws IllegalArgumentException when the batch is empty, longer than {@link #maxLength()}, or its arrays
     *                                  disagree in shape
     */
    public Output forward(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, Pass pass) {
        batch = inputIds.length;
        seq = batch == 0 ? 0 : inputIds[0].length;
        if (batch == 0 || seq == 0) throw new IllegalArgumentException("empty batch: " + batch + " rows of " + seq + " tokens");
        if (seq > maxLength()) {
            throw new IllegalArgumentException("sequences of " + seq + " tokens are longer than the model's " + maxLength()
                    + " positions (max_position_embeddings): truncate them to at most that");
        }
        if ((tokenTypeIds != null && tokenTypeIds.length != batch) || attentionMask.length != batch) {
            throw new IllegalArgumentException("input_ids has " + batch + " rows but token_type_ids has "
                    + (tokenTypeIds == null ? "none" : tokenTypeIds.length) + " and attention_mask " + attentionMask.length);
        }
        AttentionMask mask = AttentionMask.of(attentionMask);
        if (mask.seq() != seq) throw new IllegalArgumentException("attention_mask rows have " + mask.seq() + " positions, input_ids " + seq);
        int[] ids = flatten(inputIds, seq, "input_ids");
        int[] types = tokenTypeIds == null ? new int[ids.length] : flatten(tokenTypeIds, seq, "token_type_ids");
        INDArray hidden = embeddings.forward(ids, types, seq, mask, pass);
        if (projection != null) hidden = projection.forward(hidden);
        hidden = stack.forward(hidden, mask, pass);
        INDArray pooled = pooler == null ? null : pooler.forward(hidden, batch, seq);
        return new Output(hidden, pooled, batch, seq);
    }

    /**
     * The backward pass of the last {@link #forward}, given the gradients of its outputs (either may be null; neither
     * is modified), adding into the gradients the pass names. Nothing runs when no encoder parameter trains.
     *
     * @param dLastHiddenState gradient of {@link Output#lastHiddenState}, {@code [B·T, H]}, or null
     * @param dPooledOutput    gradient of {@link Output#pooledOutput}, {@code [B, H]}, or null
     * @param pass             the pass the last forward ran with; its gradients receive the encoder's
     * @throws IllegalStateException when {@code dPooledOutput} is given but the encoder has no pooler
     */
    public void backward(INDArray dLastHiddenState, INDArray dPooledOutput, Pass pass) {
        if (!pass.trainsAny(family.basePrefix() + ".")) return;
        long rows = (long) batch * seq;
        INDArray dHidden = dLastHiddenState;
        if (dPooledOutput != null) {
            if (pooler == null) throw new IllegalStateException("a pooled-output gradient, but this model has no pooler");
            // the pooler adds into the hidden states' gradient: never into the caller's array
            dHidden = dHidden == null ? hiddenGradient.zeros(rows, config.hiddenSize())
                    : hiddenGradient.get(rows, config.hiddenSize()).assign(dHidden);
            pooler.backward(dPooledOutput, dHidden, seq, pass);
        }
        if (dHidden == null) return;
        INDArray d = stack.backward(dHidden, pass);
        if (projection != null) d = projection.backward(d, pass);
        embeddings.backward(d, pass);
    }

    /** Frees the native memory of the activations and gradients kept between passes; the model stays usable. */
    public void release() {
        embeddings.release();
        if (projection != null) projection.release();
        stack.release();
        if (pooler != null) pooler.release();
        hiddenGradient.release();
        precision.release();
    }

    private static int[] flatten(int[][] rows, int seq, String what) {
        int[] flat = new int[rows.length * seq];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != seq) throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length + " tokens, row 0 has " + seq);
            System.arraycopy(rows[i], 0, flat, i * seq, seq);
        }
        return flat;
    }
}

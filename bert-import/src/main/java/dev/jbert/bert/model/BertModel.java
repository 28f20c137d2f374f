package dev.jbert.bert.model;

import dev.jbert.bert.config.BertConfig;
import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Floats;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.ScaledDotProductAttention;
import dev.jbert.core.nn.Slot;
import dev.jbert.core.nn.TableRows;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder, following transformers' {@code modeling_bert.py} class by class: {@link Embeddings},
 * {@link SelfAttention}, {@link SelfOutput} (attention.output), {@link Attention}, {@link Intermediate},
 * {@link Output}, {@link Layer}, {@link Encoder}, {@link Pooler}. Each module is named by its checkpoint prefix
 * and holds its parameters under their checkpoint keys, so
 * {@code bert.encoder.layer.3.attention.self.query.weight} is both the tensor in {@code model.safetensors} and the
 * name its gradient goes by.
 *
 * <p>Every module has a forward and a backward pass, written out (the {@code dev.jbert.core.nn} kernels): ND4J's
 * SameDiff computed the same values, but spent as long again as the matrix products on allocating, on per-op
 * dispatch and on slow broadcasting gradients (bench/RESULTS.md). Hidden states are {@code [batch·seq, hidden]}
 * throughout, so every Linear is one GEMM. Buffers are reused from batch to batch; the outputs a pass returns
 * stay valid until the next pass. Not thread-safe: one pass at a time.
 */
public final class BertModel {

    /**
     * Whether to build the pooler: transformers builds it for the bare model and sequence classification when
     * the checkpoint has one, never for token classification.
     */
    public enum Pooling { IF_IN_CHECKPOINT, NONE }

    /**
     * One pass's outputs, valid until the next pass.
     *
     * @param lastHiddenState {@code [batch·seq, hidden]}
     * @param pooledOutput    {@code [batch, hidden]}: tanh of a dense layer on the [CLS] state; null without pooler
     */
    public record Output(INDArray lastHiddenState, INDArray pooledOutput, int batch, int seq) {
    }

    private final BertConfig config;
    private final Map<String, INDArray> parameters;
    private final Embeddings embeddings;
    private final Encoder encoder;
    private final Pooler pooler;
    private final int dropoutSites;
    private final Slot hiddenGradient = new Slot();
    private int batch;
    private int seq;

    private BertModel(BertConfig config, Map<String, INDArray> parameters, int dropoutSites, Embeddings embeddings, Encoder encoder,
                      Pooler pooler) {
        this.config = config;
        this.dropoutSites = dropoutSites;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.embeddings = embeddings;
        this.encoder = encoder;
        this.pooler = pooler;
    }

    /** The encoder with the pooler when {@code weights} has {@code bert.pooler.dense.*}. */
    public static BertModel build(BertConfig config, Weights weights) {
        return build(config, weights, Pooling.IF_IN_CHECKPOINT);
    }

    /** The encoder, choosing whether a pooler is built. */
    public static BertModel build(BertConfig config, Weights weights, Pooling pooling) {
        NativeBackend.requireCpu("the BERT encoder");
        Builder b = new Builder(config, weights);
        Embeddings embeddings = new Embeddings(b, "bert.embeddings");
        Encoder encoder = new Encoder(b, "bert.encoder");
        Pooler pooler = pooling == Pooling.IF_IN_CHECKPOINT
                && (weights.has("bert.pooler.dense.weight") || weights.has("bert.pooler.dense.bias"))
                ? new Pooler(b, "bert.pooler") : null;
        return new BertModel(config, b.parameters, b.dropoutSites, embeddings, encoder, pooler);
    }

    public BertConfig config() {
        return config;
    }

    /** Every parameter, by checkpoint key, in checkpoint order. */
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /** Whether the checkpoint had a pooler (token-classification checkpoints do not). */
    public boolean hasPooler() {
        return pooler != null;
    }

    /** Dropout sites the encoder numbers for its masks are {@code [0, dropoutSites())}; heads take later numbers. */
    public int dropoutSites() {
        return dropoutSites;
    }

    /**
     * Runs the encoder on a batch of equal-length rows.
     *
     * @param inputIds      {@code [B][T]} token ids
     * @param tokenTypeIds  {@code [B][T]} segment ids
     * @param attentionMask {@code [B][T]}, 1 for real tokens and 0 for padding
     */
    public Output forward(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, Pass pass) {
        batch = inputIds.length;
        seq = batch == 0 ? 0 : inputIds[0].length;
        if (batch == 0 || seq == 0) throw new IllegalArgumentException("empty batch: " + batch + " rows of " + seq + " tokens");
        if (seq > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequences of " + seq + " tokens are longer than the model's "
                    + config.maxPositionEmbeddings() + " positions (max_position_embeddings): truncate them to at most that");
        }
        if (tokenTypeIds.length != batch || attentionMask.length != batch) {
            throw new IllegalArgumentException("input_ids has " + batch + " rows but token_type_ids has " + tokenTypeIds.length
                    + " and attention_mask " + attentionMask.length);
        }
        AttentionMask mask = AttentionMask.of(attentionMask);
        if (mask.seq() != seq) throw new IllegalArgumentException("attention_mask rows have " + mask.seq() + " positions, input_ids " + seq);
        INDArray hidden = embeddings.forward(flatten(inputIds, seq, "input_ids"), flatten(tokenTypeIds, seq, "token_type_ids"), seq, pass);
        hidden = encoder.forward(hidden, mask, pass);
        INDArray pooled = pooler == null ? null : pooler.forward(hidden, batch, seq);
        return new Output(hidden, pooled, batch, seq);
    }

    /**
     * The backward pass of the last {@link #forward}, given the gradients of its outputs (either may be null; neither
     * is modified), adding into the gradients the pass names. Nothing runs when no encoder parameter trains.
     */
    public void backward(INDArray dLastHiddenState, INDArray dPooledOutput, Pass pass) {
        if (!pass.trainsAny("bert.")) return;
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
        embeddings.backward(encoder.backward(dHidden, pass), pass);
    }

    /** Frees the native memory of the activations and gradients kept between passes; the model stays usable. */
    public void release() {
        embeddings.release();
        encoder.release();
        if (pooler != null) pooler.release();
        hiddenGradient.release();
    }

    private static int[] flatten(int[][] rows, int seq, String what) {
        int[] flat = new int[rows.length * seq];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != seq) throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length + " tokens, row 0 has " + seq);
            System.arraycopy(rows[i], 0, flat, i * seq, seq);
        }
        return flat;
    }

    /** Reads parameters by checkpoint key and numbers dropout sites while the modules are built. */
    private static final class Builder {
        final BertConfig config;
        final Weights weights;
        final Map<String, INDArray> parameters = new LinkedHashMap<>();
        int dropoutSites;

        Builder(BertConfig config, Weights weights) {
            this.config = config;
            this.weights = weights;
        }

        INDArray param(String name, long... shape) {
            INDArray p = weights.get(name, shape);
            parameters.put(name, p);
            return p;
        }

        Linear linear(String prefix, int in, int out) {
            return new Linear(prefix, param(prefix + ".weight", out, in), param(prefix + ".bias", out));
        }

        LayerNorm layerNorm(String prefix) {
            int h = config.hiddenSize();
            return new LayerNorm(prefix, param(prefix + ".weight", h), param(prefix + ".bias", h), config.layerNormEps());
        }

        Dropout dropout(double p) {
            return new Dropout(p, dropoutSites++);
        }
    }

    /** Word, position and token-type embeddings, summed, normalised and dropped out. */
    static final class Embeddings {
        private final String prefix;
        private final INDArray words;             // [V, H]
        private final INDArray positions;         // [P, H]
        private final INDArray tokenTypes;        // [types, H]
        private final LayerNorm layerNorm;
        private final Dropout dropout;
        private final int padTokenId;
        private final Slot sum = new Slot();
        private int[] ids;
        private int[] types;
        private int seq;

        Embeddings(Builder b, String prefix) {
            BertConfig c = b.config;
            int h = c.hiddenSize();
            this.prefix = prefix;
            this.words = b.param(prefix + ".word_embeddings.weight", c.vocabSize(), h);
            this.positions = b.param(prefix + ".position_embeddings.weight", c.maxPositionEmbeddings(), h);
            this.tokenTypes = b.param(prefix + ".token_type_embeddings.weight", c.typeVocabSize(), h);
            this.layerNorm = b.layerNorm(prefix + ".LayerNorm");
            this.dropout = b.dropout(c.hiddenDropoutProb());
            this.padTokenId = c.padTokenId();
        }

        /** {@code ids, types [B·T]} → {@code [B·T, H]}. */
        INDArray forward(int[] ids, int[] types, int seq, Pass pass) {
            this.ids = ids;
            this.types = types;
            this.seq = seq;
            INDArray x = sum.get(ids.length, words.size(1));
            // transformers adds token types to the words first, then positions
            TableRows.sum(x, new TableRows.Lookup(words, ids, 0), new TableRows.Lookup(tokenTypes, types, 0),
                    new TableRows.Lookup(positions, null, seq));
            INDArray out = layerNorm.forward(x, null, null, null, pass);
            dropout.apply(out, pass);
            return out;
        }

        void backward(INDArray dOut, Pass pass) {
            dropout.apply(dOut, pass);
            INDArray d = layerNorm.backward(dOut, pass);
            INDArray dWords = pass.gradient(prefix + ".word_embeddings.weight");
            INDArray dPositions = pass.gradient(prefix + ".position_embeddings.weight");
            INDArray dTypes = pass.gradient(prefix + ".token_type_embeddings.weight");
            // nn.Embedding(padding_idx=pad_token_id): the padding row never gets a gradient
            if (dWords != null) TableRows.scatterAdd(d, ids, 0, padTokenId, dWords);
            if (dTypes != null) TableRows.scatterAdd(d, types, 0, -1, dTypes);
            if (dPositions != null) TableRows.scatterAdd(d, null, seq, -1, dPositions);
        }

        void release() {
            sum.release();
            layerNorm.release();
        }
    }

    /** Query, key and value projections and scaled dot-product attention over the heads. */
    static final class SelfAttention {
        private final Linear query;
        private final Linear key;
        private final Linear value;
        private final ScaledDotProductAttention attention;

        SelfAttention(Builder b, String prefix) {
            BertConfig c = b.config;
            int h = c.hiddenSize();
            this.query = b.linear(prefix + ".query", h, h);
            this.key = b.linear(prefix + ".key", h, h);
            this.value = b.linear(prefix + ".value", h, h);
            this.attention = new ScaledDotProductAttention(c.numAttentionHeads(), c.headSize(), b.dropout(c.attentionProbsDropoutProb()));
        }

        /** {@code hidden [B·T, H]} → the context {@code [B·T, H]}. */
        INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
            return attention.forward(query.forward(hidden), key.forward(hidden), value.forward(hidden), mask, pass);
        }

        /** Adds the gradient of the input hidden states into {@code dHidden}, which holds the residual's. */
        void backward(INDArray dContext, INDArray dHidden, Pass pass) {
            attention.backward(dContext, pass);
            query.backward(attention.queryGradient(), dHidden, true, pass);
            key.backward(attention.keyGradient(), dHidden, true, pass);
            value.backward(attention.valueGradient(), dHidden, true, pass);
        }

        void release() {
            query.release();
            key.release();
            value.release();
            attention.release();
        }
    }

    /**
     * A dense layer, dropout, the residual and LayerNorm: attention.output and output share this shape in
     * modeling_bert.py (BertSelfOutput, BertOutput).
     */
    static final class DenseResidualNorm {
        private final Linear dense;
        private final Dropout dropout;
        private final LayerNorm layerNorm;
        private final Slot droppedGradient = new Slot();
        private INDArray lastInputGradient;

        DenseResidualNorm(Builder b, String prefix, int in) {
            this.dense = b.linear(prefix + ".dense", in, b.config.hiddenSize());
            this.dropout = b.dropout(b.config.hiddenDropoutProb());
            this.layerNorm = b.layerNorm(prefix + ".LayerNorm");
        }

        /** The dense layer's bias, dropout and residual are folded into the LayerNorm's pass. */
        INDArray forward(INDArray x, INDArray residual, Pass pass) {
            return layerNorm.forward(dense.forwardWithoutBias(x), dense.bias(), dropout, residual, pass);
        }

        /**
         * Returns the gradient of the residual (the normalised sum's), and leaves the dense layer's input gradient
         * in {@link #inputGradient}: callers add one into the other where both meet.
         */
        INDArray backward(INDArray dOut, Pass pass) {
            INDArray dropped = dropout.active(pass) ? droppedGradient.get(dOut.shape()) : null;
            INDArray dSum = layerNorm.backward(dOut, dropout, dropped, dense.biasGradient(pass), pass);
            lastInputGradient = dense.backwardWithoutBias(dropped == null ? dSum : dropped, pass);
            return dSum;
        }

        INDArray inputGradient() {
            return lastInputGradient;
        }

        void release() {
            dense.release();
            layerNorm.release();
            droppedGradient.release();
        }
    }

    /** attention: self-attention followed by its output block (BertSelfOutput). */
    static final class Attention {
        private final SelfAttention self;
        private final DenseResidualNorm output;

        Attention(Builder b, String prefix) {
            this.self = new SelfAttention(b, prefix + ".self");
            this.output = new DenseResidualNorm(b, prefix + ".output", b.config.hiddenSize());
        }

        INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
            return output.forward(self.forward(hidden, mask, pass), hidden, pass);
        }

        /** Returns the gradient of the input hidden states. */
        INDArray backward(INDArray dOut, Pass pass) {
            INDArray dHidden = output.backward(dOut, pass);
            self.backward(output.inputGradient(), dHidden, pass);
            return dHidden;
        }

        void release() {
            self.release();
            output.release();
        }
    }

    /** intermediate: the feed-forward expansion and its activation. */
    static final class Intermediate {
        private final Linear dense;
        private final ActivationFunction act;
        private final Slot activated = new Slot();
        private INDArray preActivation;

        Intermediate(Builder b, String prefix) {
            this.dense = b.linear(prefix + ".dense", b.config.hiddenSize(), b.config.intermediateSize());
            this.act = b.config.hiddenAct().function();
        }

        /** The dense layer's bias is added in the activation's pass. */
        INDArray forward(INDArray x, Pass pass) {
            preActivation = dense.forwardWithoutBias(x);
            INDArray y = activated.get(preActivation.shape());
            act.forward(preActivation, dense.bias(), y, pass);
            return y;
        }

        /** Adds the input's gradient into {@code into}; {@code dOut} is overwritten. */
        void backward(INDArray dOut, INDArray into, Pass pass) {
            act.backward(preActivation, activated.get(preActivation.shape()), dOut, dOut);
            dense.backward(dOut, into, true, pass);
        }

        void release() {
            dense.release();
            activated.release();
        }
    }

    /** One encoder layer: attention, then the feed-forward block (intermediate, output). */
    static final class Layer {
        private final Attention attention;
        private final Intermediate intermediate;
        private final DenseResidualNorm output;

        Layer(Builder b, String prefix) {
            this.attention = new Attention(b, prefix + ".attention");
            this.intermediate = new Intermediate(b, prefix + ".intermediate");
            this.output = new DenseResidualNorm(b, prefix + ".output", b.config.intermediateSize());
        }

        INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
            INDArray attended = attention.forward(hidden, mask, pass);
            return output.forward(intermediate.forward(attended, pass), attended, pass);
        }

        INDArray backward(INDArray dOut, Pass pass) {
            INDArray dAttended = output.backward(dOut, pass);
            intermediate.backward(output.inputGradient(), dAttended, pass);
            return attention.backward(dAttended, pass);
        }

        void release() {
            attention.release();
            intermediate.release();
            output.release();
        }
    }

    /** The stack of {@code num_hidden_layers} layers. */
    static final class Encoder {
        private final List<Layer> layers = new ArrayList<>();

        Encoder(Builder b, String prefix) {
            for (int i = 0; i < b.config.numHiddenLayers(); i++) layers.add(new Layer(b, prefix + ".layer." + i));
        }

        INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
            INDArray x = hidden;
            for (Layer layer : layers) x = layer.forward(x, mask, pass);
            return x;
        }

        INDArray backward(INDArray dOut, Pass pass) {
            INDArray d = dOut;
            for (int i = layers.size() - 1; i >= 0; i--) d = layers.get(i).backward(d, pass);
            return d;
        }

        void release() {
            layers.forEach(Layer::release);
        }
    }

    /** pooler: tanh of a dense layer on the first token's state. */
    static final class Pooler {
        private final Linear dense;
        private final Slot first = new Slot();
        private final Slot pooled = new Slot();
        private final Slot tanhGradient = new Slot();

        Pooler(Builder b, String prefix) {
            int h = b.config.hiddenSize();
            this.dense = b.linear(prefix + ".dense", h, h);
        }

        /** {@code hidden [B·T, H]} → {@code [B, H]}. */
        INDArray forward(INDArray hidden, int batch, int seq) {
            int h = (int) hidden.size(1);
            INDArray cls = first.get(batch, h);
            gatherFirst(hidden, cls, seq);
            INDArray y = dense.forward(cls);
            INDArray out = pooled.get(batch, h);
            ActivationFunction.TANH.forward(y, out);
            return out;
        }

        /** Adds the gradient of the [CLS] rows into {@code dHidden [B·T, H]}. */
        void backward(INDArray dPooled, INDArray dHidden, int seq, Pass pass) {
            INDArray out = pooled.get(dPooled.shape());
            INDArray d = tanhGradient.get(dPooled.shape());
            ActivationFunction.TANH.backward(out, out, dPooled, d);
            INDArray dCls = dense.backward(d, pass);
            addToFirst(dCls, dHidden, seq);
        }

        /** {@code cls[b] = hidden[b·seq]}: the first token of every sequence. */
        private static void gatherFirst(INDArray hidden, INDArray cls, int seq) {
            int batch = (int) cls.size(0), h = (int) cls.size(1);
            FloatBuffer src = Floats.of(hidden), dst = Floats.of(cls);
            float[] row = new float[h];
            for (int b = 0; b < batch; b++) {
                src.get(b * seq * h, row, 0, h);
                dst.put(b * h, row, 0, h);
            }
        }

        /** {@code dHidden[b·seq] += dCls[b]}. */
        private static void addToFirst(INDArray dCls, INDArray dHidden, int seq) {
            int batch = (int) dCls.size(0), h = (int) dCls.size(1);
            FloatBuffer src = Floats.of(dCls), dst = Floats.of(dHidden);
            float[] row = new float[h], acc = new float[h];
            for (int b = 0; b < batch; b++) {
                src.get(b * h, row, 0, h);
                dst.get(b * seq * h, acc, 0, h);
                for (int j = 0; j < h; j++) acc[j] += row[j];
                dst.put(b * seq * h, acc, 0, h);
            }
        }

        void release() {
            dense.release();
            first.release();
            pooled.release();
            tanhGradient.release();
        }
    }
}

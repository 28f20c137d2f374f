package dev.jbert.bert.model;

import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.BertConfig;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The BERT encoder as a SameDiff graph, following transformers' {@code modeling_bert.py} class by
 * class: {@link Embeddings}, {@link SelfAttention}, {@link SelfOutput} (attention.output),
 * {@link Attention}, {@link Intermediate}, {@link Output}, {@link Layer}, {@link Encoder},
 * {@link Pooler}. Every SameDiff variable is named with the checkpoint key it holds, so
 * {@code bert.encoder.layer.3.attention.self.query.weight} is both the tensor in
 * {@code model.safetensors} and the variable in the graph.
 *
 * <p>Inside the encoder, hidden states are kept flat as {@code [batch·seq, hidden]} so that every
 * Linear is one plain GEMM; only self-attention reshapes to {@code [batch, heads, seq, head]}.
 * Batch size and sequence length are free: every reshape takes them from {@code input_ids}.
 */
public final class BertModel {

    /** Token ids, int32 {@code [batch, seq]}. */
    public static final String INPUT_IDS = "input_ids";
    /** Segment ids, int32 {@code [batch, seq]}. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** 1 for real tokens, 0 for padding, int32 {@code [batch, seq]}. */
    public static final String ATTENTION_MASK = "attention_mask";
    /**
     * Training only: the word-embedding rows of the batch, float32 {@code [batch·seq, hidden]},
     * looked up by the caller. SameDiff's gather has a broken gradient, so a training step feeds
     * the rows and adds this placeholder's gradient back into the table's rows itself.
     */
    public static final String INPUTS_EMBEDS = "inputs_embeds";
    /** Output: float32 {@code [batch, seq, hidden]}. */
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    /** Output: float32 {@code [batch, hidden]}, tanh of a dense layer on the [CLS] state. */
    public static final String POOLER_OUTPUT = "pooler_output";

    /** Whether the graph draws dropout masks (training) or leaves them out (inference). */
    public enum Mode { INFERENCE, TRAINING }

    /**
     * Whether to build the pooler: transformers builds it for the bare model and sequence
     * classification when the checkpoint has one, never for token classification.
     */
    public enum Pooling { IF_IN_CHECKPOINT, NONE }

    private final Graph graph;
    private final SDVariable lastHiddenState;
    private final SDVariable pooledOutput;

    private BertModel(Graph graph, SDVariable lastHiddenState, SDVariable pooledOutput) {
        this.graph = graph;
        this.lastHiddenState = lastHiddenState;
        this.pooledOutput = pooledOutput;
    }

    /**
     * Adds the encoder to {@code sd}: placeholders {@link #INPUT_IDS}, {@link #TOKEN_TYPE_IDS},
     * {@link #ATTENTION_MASK}, outputs {@link #LAST_HIDDEN_STATE} and, when the weights include
     * {@code bert.pooler.dense.*}, {@link #POOLER_OUTPUT}.
     */
    public static BertModel build(SameDiff sd, BertConfig config, Weights weights, Mode mode) {
        return build(sd, config, weights, mode, Pooling.IF_IN_CHECKPOINT);
    }

    /** As {@link #build(SameDiff, BertConfig, Weights, Mode)}, choosing whether a pooler is built. */
    public static BertModel build(SameDiff sd, BertConfig config, Weights weights, Mode mode, Pooling pooling) {
        Graph g = new Graph(sd, config, weights, mode);
        SDVariable ids = sd.placeHolder(INPUT_IDS, DataType.INT, -1, -1);
        SDVariable types = sd.placeHolder(TOKEN_TYPE_IDS, DataType.INT, -1, -1);
        SDVariable mask = sd.placeHolder(ATTENTION_MASK, DataType.INT, -1, -1);
        SDVariable batchSeq = sd.shape(ids);                                      // [2]: batch, seq

        SDVariable embedded = new Embeddings(g, "bert.embeddings").forward(ids, types, batchSeq);
        SDVariable hidden = new Encoder(g, "bert.encoder").forward(embedded, extendedAttentionMask(sd, mask), batchSeq);
        SDVariable last = sd.reshape(LAST_HIDDEN_STATE, hidden,
                sd.concat(0, batchSeq, sd.constant(Nd4j.createFromArray((long) config.hiddenSize()))));

        SDVariable pooled = null;
        if (pooling == Pooling.IF_IN_CHECKPOINT && (weights.has("bert.pooler.dense.weight") || weights.has("bert.pooler.dense.bias"))) {
            pooled = new Pooler(g, "bert.pooler").forward(last);
        }
        return new BertModel(g, last, pooled);
    }

    /**
     * transformers' additive mask: 0 where attended, the lowest float32 where padded, shaped
     * {@code [batch, 1, 1, seq]} to broadcast over heads and query positions.
     */
    private static SDVariable extendedAttentionMask(SameDiff sd, SDVariable mask) {
        SDVariable m = mask.castTo(DataType.FLOAT);                               // [B, T]
        SDVariable additive = m.rsub(1.0).mul(-Float.MAX_VALUE);
        return sd.expandDims(sd.expandDims(additive, 1), 1);                      // [B, 1, 1, T]
    }

    public SameDiff sameDiff() {
        return graph.sd;
    }

    public BertConfig config() {
        return graph.config;
    }

    public Mode mode() {
        return graph.mode;
    }

    /** {@code [batch, seq, hidden]}. */
    public SDVariable lastHiddenState() {
        return lastHiddenState;
    }

    /** Whether the checkpoint had a pooler (token-classification checkpoints do not). */
    public boolean hasPooler() {
        return pooledOutput != null;
    }

    /** {@code [batch, hidden]}; a clear error for a checkpoint without {@code bert.pooler.*}. */
    public SDVariable pooledOutput() {
        if (pooledOutput == null) {
            throw new IllegalStateException("this checkpoint has no pooler (no bert.pooler.dense.weight/bias), "
                    + "as token-classification checkpoints do not: use last_hidden_state, or a checkpoint with a pooler");
        }
        return pooledOutput;
    }

    /** Optional view of {@link #pooledOutput()}. */
    public Optional<SDVariable> pooledOutputIfPresent() {
        return Optional.ofNullable(pooledOutput);
    }

    /** The dropout masks a training step must feed, empty in inference mode or with all p = 0. */
    public List<DropoutSite> dropoutSites() {
        return Collections.unmodifiableList(graph.dropoutSites);
    }

    /**
     * A Linear layer on top of the encoder (a head's), in the same conventions: variables named
     * {@code prefix.weight} {@code [out, in]} and {@code prefix.bias} {@code [out]}, read from
     * {@code weights}.
     */
    public SDVariable linear(String prefix, SDVariable x, int in, int out, Weights weights) {
        return graph.linear(prefix, x, in, out, weights);
    }

    /** Dropout at a new site, active only in {@link Mode#TRAINING}; see {@link DropoutSite}. */
    public SDVariable dropout(String site, SDVariable x, double p, DropoutSite.Shape shape, int width) {
        return graph.dropout(site, x, p, shape, width);
    }

    /** An activation function exactly as the feed-forward layers would apply it. */
    public SDVariable activation(SDVariable x, Activation act) {
        return graph.activation(x, act);
    }

    /** Shared state of one graph build: where weights come from and which dropout sites exist. */
    static final class Graph {
        final SameDiff sd;
        final BertConfig config;
        final Weights weights;
        final Mode mode;
        final List<DropoutSite> dropoutSites = new ArrayList<>();
        private final Map<Integer, SDVariable> onesRows = new HashMap<>();

        Graph(SameDiff sd, BertConfig config, Weights weights, Mode mode) {
            this.sd = sd;
            this.config = config;
            this.weights = weights;
            this.mode = mode;
        }

        SDVariable param(String name, long... shape) {
            return sd.var(name, weights.get(name, shape));
        }

        SDVariable linear(String prefix, SDVariable x, int in, int out) {
            return linear(prefix, x, in, out, weights);
        }

        /** {@code y = x·Wᵀ + b} with W in torch's {@code [out, in]} layout, as stored. */
        SDVariable linear(String prefix, SDVariable x, int in, int out, Weights from) {
            SDVariable w = sd.var(prefix + ".weight", from.get(prefix + ".weight", out, in));
            SDVariable b = sd.var(prefix + ".bias", from.get(prefix + ".bias", out));
            return sd.mmul(x, w, false, true, false).add(b);
        }

        /**
         * LayerNorm over the last dimension from mean and variance ops: {@code sd.nn.layerNorm}
         * has no epsilon argument and a slow backward pass.
         *
         * <p>In training the per-row scale {@code [N, 1]} and the per-column gain {@code [H]} are widened
         * to {@code [N, H]} by outer products with ones before multiplying: the backward pass of a
         * broadcasting multiply is about 20 times slower in this ND4J than that of a same-shape one
         * (about 11 ms against 0.5 ms at {@code [4096, 128]}), while a rank-1 matrix product is cheap both
         * ways. Inference has no backward pass and keeps the broadcasting multiply, which is faster forward.
         * Multiplying by 1.0 is exact, so both forms give the same values.
         */
        SDVariable layerNorm(String prefix, SDVariable x) {
            int h = config.hiddenSize();
            SDVariable gamma = param(prefix + ".weight", h);
            SDVariable beta = param(prefix + ".bias", h);
            SDVariable mean = sd.mean(x, true, -1);                                               // [N, 1]
            SDVariable centred = x.sub(mean);                                                     // [N, H]
            SDVariable variance = sd.mean(sd.math.square(centred), true, -1);                     // [N, 1]
            SDVariable inverseStd = sd.math.rsqrt(variance.add(config.layerNormEps()));            // [N, 1]
            if (mode == Mode.INFERENCE) return centred.mul(inverseStd).mul(gamma).add(beta);
            SDVariable scale = sd.mmul(inverseStd, onesRow(h));                                   // [N, H]
            SDVariable gain = sd.mmul(sd.onesLike(mean), gamma.reshape(1, h));                   // [N, H]
            return centred.mul(scale).mul(gain).add(beta);
        }

        /** A {@code [1, width]} row of ones, one constant per width. */
        private SDVariable onesRow(int width) {
            return onesRows.computeIfAbsent(width, w -> sd.constant("ones_row_" + w, Nd4j.ones(DataType.FLOAT, 1, w)));
        }

        SDVariable activation(SDVariable x, Activation act) {
            return switch (act) {
                // sd.nn.gelu is the sigmoid approximation, not BERT's erf form
                case GELU -> x.mul(0.5).mul(sd.math.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
                case GELU_NEW, GELU_PYTORCH_TANH -> {
                    SDVariable inner = x.add(sd.math.pow(x, 3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
                    yield x.mul(0.5).mul(sd.math.tanh(inner).add(1.0));
                }
                case RELU -> sd.nn.relu(x, 0.0);
                case SILU, SWISH -> x.mul(sd.nn.sigmoid(x));
                case TANH -> sd.math.tanh(x);
            };
        }

        /**
         * Inverted dropout through a mask fed at each step: SameDiff's own dropout ops have no
         * gradient, and a mask drawn by the caller is reproducible from the run's seed.
         */
        SDVariable dropout(String site, SDVariable x, double p, DropoutSite.Shape shape, int width) {
            if (mode == Mode.INFERENCE || p == 0) return x;
            int rank = shape.rank();
            long[] dims = new long[rank];
            java.util.Arrays.fill(dims, -1);
            SDVariable mask = sd.placeHolder(DropoutSite.PREFIX + site, DataType.FLOAT, dims);
            dropoutSites.add(new DropoutSite(DropoutSite.PREFIX + site, p, shape, width));
            return x.mul(mask);
        }
    }

    /** Word, position and token-type embeddings, summed, normalised and dropped out. */
    static final class Embeddings {
        private final Graph g;
        private final String prefix;

        Embeddings(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        /** Returns {@code [B·T, H]}. */
        SDVariable forward(SDVariable ids, SDVariable types, SDVariable batchSeq) {
            BertConfig c = g.config;
            SameDiff sd = g.sd;
            int h = c.hiddenSize();
            SDVariable wordTable = g.param(prefix + ".word_embeddings.weight", c.vocabSize(), h);
            SDVariable positionTable = g.param(prefix + ".position_embeddings.weight", c.maxPositionEmbeddings(), h);
            SDVariable typeTable = g.param(prefix + ".token_type_embeddings.weight", c.typeVocabSize(), h);

            SDVariable words = g.mode == Mode.TRAINING
                    ? sd.placeHolder(INPUTS_EMBEDS, DataType.FLOAT, -1, h)                  // [B·T, H]
                    : sd.gather(wordTable, sd.reshape(ids, -1), 0);                         // [B·T, H]
            // one-hot product: a gather's gradient is broken in this SameDiff, and only
            // type_vocab_size (2) rows are involved
            SDVariable typeOneHot = sd.oneHot(sd.reshape(types, -1), c.typeVocabSize(), -1, 1.0, 0.0, DataType.FLOAT);
            SDVariable tokenTypes = sd.mmul(typeOneHot, typeTable);                         // [B·T, H]
            // absolute positions are 0..T-1 in every row: a slice of the table, broadcast over the batch
            SDVariable seqLen = sd.sizeAt(ids, 1);
            SDVariable positions = positionTable.get(SDIndex.interval(sd.constant(0L), seqLen), SDIndex.all()); // [T, H]

            SDVariable wordsPlusTypes = sd.reshape(words.add(tokenTypes),
                    sd.concat(0, batchSeq, sd.constant(Nd4j.createFromArray((long) h))));  // [B, T, H]
            SDVariable sum = sd.reshape(wordsPlusTypes.add(positions), -1, h);              // [B·T, H]
            SDVariable normed = g.layerNorm(prefix + ".LayerNorm", sum);
            return g.dropout("bert.embeddings", normed, c.hiddenDropoutProb(), DropoutSite.Shape.HIDDEN, h);
        }
    }

    /** Multi-head scaled dot-product attention with an additive padding mask. */
    static final class SelfAttention {
        private final Graph g;
        private final String prefix;

        SelfAttention(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        /** {@code hidden [B·T, H]}, {@code mask [B, 1, 1, T]}; returns the context {@code [B·T, H]}. */
        SDVariable forward(SDVariable hidden, SDVariable mask, SDVariable batchSeq) {
            BertConfig c = g.config;
            SameDiff sd = g.sd;
            int h = c.hiddenSize();
            SDVariable headsShape = sd.concat(0, batchSeq,
                    sd.constant(Nd4j.createFromArray((long) c.numAttentionHeads(), c.headSize())));  // [B, T, nh, hs]
            SDVariable q = splitHeads(g.linear(prefix + ".query", hidden, h, h), headsShape);    // [B, nh, T, hs]
            SDVariable k = splitHeads(g.linear(prefix + ".key", hidden, h, h), headsShape);
            SDVariable v = splitHeads(g.linear(prefix + ".value", hidden, h, h), headsShape);

            SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(c.headSize())).add(mask); // [B, nh, T, T]
            SDVariable probs = sd.nn.softmax(scores, -1);
            probs = g.dropout(prefix, probs, c.attentionProbsDropoutProb(), DropoutSite.Shape.ATTENTION_PROBS, c.numAttentionHeads());
            SDVariable context = sd.mmul(probs, v);                                         // [B, nh, T, hs]
            return sd.reshape(sd.permute(context, 0, 2, 1, 3), -1, h);                     // [B·T, H]
        }

        private SDVariable splitHeads(SDVariable x, SDVariable headsShape) {
            return g.sd.permute(g.sd.reshape(x, headsShape), 0, 2, 1, 3);
        }
    }

    /** attention.output: dense, dropout, residual, LayerNorm. */
    static final class SelfOutput {
        private final Graph g;
        private final String prefix;

        SelfOutput(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        SDVariable forward(SDVariable context, SDVariable residual) {
            int h = g.config.hiddenSize();
            SDVariable x = g.linear(prefix + ".dense", context, h, h);
            x = g.dropout(prefix, x, g.config.hiddenDropoutProb(), DropoutSite.Shape.HIDDEN, g.config.hiddenSize());
            return g.layerNorm(prefix + ".LayerNorm", x.add(residual));
        }
    }

    /** attention: self-attention followed by its output block. */
    static final class Attention {
        private final SelfAttention self;
        private final SelfOutput output;

        Attention(Graph g, String prefix) {
            this.self = new SelfAttention(g, prefix + ".self");
            this.output = new SelfOutput(g, prefix + ".output");
        }

        SDVariable forward(SDVariable hidden, SDVariable mask, SDVariable batchSeq) {
            return output.forward(self.forward(hidden, mask, batchSeq), hidden);
        }
    }

    /** intermediate: the feed-forward expansion and its activation. */
    static final class Intermediate {
        private final Graph g;
        private final String prefix;

        Intermediate(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        SDVariable forward(SDVariable x) {
            return g.activation(g.linear(prefix + ".dense", x, g.config.hiddenSize(), g.config.intermediateSize()), g.config.hiddenAct());
        }
    }

    /** output: the feed-forward projection back, dropout, residual, LayerNorm. */
    static final class Output {
        private final Graph g;
        private final String prefix;

        Output(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        SDVariable forward(SDVariable intermediate, SDVariable residual) {
            SDVariable x = g.linear(prefix + ".dense", intermediate, g.config.intermediateSize(), g.config.hiddenSize());
            x = g.dropout(prefix, x, g.config.hiddenDropoutProb(), DropoutSite.Shape.HIDDEN, g.config.hiddenSize());
            return g.layerNorm(prefix + ".LayerNorm", x.add(residual));
        }
    }

    /** One encoder layer: attention, then the feed-forward block. */
    static final class Layer {
        private final Attention attention;
        private final Intermediate intermediate;
        private final Output output;

        Layer(Graph g, String prefix) {
            this.attention = new Attention(g, prefix + ".attention");
            this.intermediate = new Intermediate(g, prefix + ".intermediate");
            this.output = new Output(g, prefix + ".output");
        }

        SDVariable forward(SDVariable hidden, SDVariable mask, SDVariable batchSeq) {
            SDVariable attended = attention.forward(hidden, mask, batchSeq);
            return output.forward(intermediate.forward(attended), attended);
        }
    }

    /** The stack of {@code num_hidden_layers} layers. */
    static final class Encoder {
        private final List<Layer> layers = new ArrayList<>();

        Encoder(Graph g, String prefix) {
            for (int i = 0; i < g.config.numHiddenLayers(); i++) layers.add(new Layer(g, prefix + ".layer." + i));
        }

        SDVariable forward(SDVariable hidden, SDVariable mask, SDVariable batchSeq) {
            SDVariable x = hidden;
            for (Layer layer : layers) x = layer.forward(x, mask, batchSeq);
            return x;
        }
    }

    /** pooler: tanh of a dense layer on the first token's state. */
    static final class Pooler {
        private final Graph g;
        private final String prefix;

        Pooler(Graph g, String prefix) {
            this.g = g;
            this.prefix = prefix;
        }

        SDVariable forward(SDVariable lastHiddenState) {
            SDVariable first = lastHiddenState.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()); // [B, H]
            int h = g.config.hiddenSize();
            return g.sd.math.tanh(POOLER_OUTPUT, g.linear(prefix + ".dense", first, h, h));
        }
    }
}

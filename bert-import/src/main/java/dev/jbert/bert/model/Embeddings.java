package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Word, token-type and position embeddings, summed, normalised and dropped out: BertEmbeddings, and the variants
 * its descendants make of it (ModernBertEmbeddings and DebertaV2Embeddings have no position table, DeBERTa zeroes
 * padded rows after the norm). Tables are {@code embedding_size} wide (ELECTRA's may be narrower than the hidden
 * states).
 *
 * <p>Not thread-safe: it keeps the last forward's inputs and buffers for the backward pass; one pass at a time.
 */
public final class Embeddings {

    /**
     * A family's embeddings, under {@code prefix}.
     *
     * @param words       the word table's name ({@code word_embeddings}, ModernBERT's {@code tok_embeddings})
     * @param norm        the LayerNorm's name ({@code LayerNorm}, ModernBERT's {@code norm})
     * @param positions   how position ids are found, or {@link Positions#NONE} without a position table
     * @param tokenTypes  whether there is a token-type table
     * @param normBias    whether the LayerNorm has a bias
     * @param zeroPadding whether padded rows are zeroed after the norm, as DebertaV2Embeddings multiplies by the mask
     * @param dropout     the dropout after the norm
     */
    public record Layout(String words, String norm, Positions positions, boolean tokenTypes, boolean normBias, boolean zeroPadding,
                         double dropout) {
    }

    /** How a token's position id is found. */
    public enum Positions {
        /** No position table: attention knows positions (relative terms, rotary embeddings). */
        NONE,
        /** 0, 1, 2, ... along the sequence (BERT, ELECTRA, DistilBERT). */
        ABSOLUTE,
        /**
         * RoBERTa's {@code create_position_ids_from_input_ids}: real tokens count up from {@code padding_idx + 1},
         * padding keeps {@code padding_idx}.
         */
        AFTER_PADDING
    }

    private final String prefix;
    private final String wordsKey;
    private final INDArray words;             // [V, E]
    private final INDArray positions;         // [P, E], or null
    private final INDArray tokenTypes;        // [types, E], or null (DistilBERT)
    private final Positions positionIds;
    private final LayerNorm layerNorm;
    private final Dropout dropout;
    private final boolean zeroPadding;
    private final int padTokenId;
    private final int maxLength;
    private final Kernels kernels;
    private final Slot sum = new Slot();
    private int[] ids;
    private int[] types;
    private int[] positionRows;
    private int seq;
    private AttentionMask mask;

    /**
     * BertEmbeddings' layout: {@code word_embeddings}, a position table, optional token types, {@code LayerNorm}.
     *
     * @param b              the builder that reads the tables and LayerNorm
     * @param prefix         the module's checkpoint key, e.g. {@code bert.embeddings}
     * @param positionIds    how position ids are found
     * @param withTokenTypes whether there is a {@code token_type_embeddings} table (DistilBERT has none)
     */
    public Embeddings(ModuleBuilder b, String prefix, Positions positionIds, boolean withTokenTypes) {
        this(b, prefix, new Layout("word_embeddings", "LayerNorm", positionIds, withTokenTypes, true, false, b.config().hiddenDropoutProb()));
    }

    /**
     * A family's embeddings in the given layout.
     *
     * @param b      the builder that reads the tables and LayerNorm
     * @param prefix the module's checkpoint key, e.g. {@code deberta.embeddings}
     * @param layout the family's table and norm names, position scheme, bias and dropout
     */
    public Embeddings(ModuleBuilder b, String prefix, Layout layout) {
        EncoderConfig c = b.config();
        int e = c.embeddingSize();
        this.prefix = prefix;
        this.wordsKey = prefix + "." + layout.words() + ".weight";
        this.words = b.param(wordsKey, c.vocabSize(), e);
        this.positions = layout.positions() == Positions.NONE ? null
                : b.param(prefix + ".position_embeddings.weight", c.maxPositionEmbeddings(), e);
        this.tokenTypes = layout.tokenTypes() ? b.param(prefix + ".token_type_embeddings.weight", c.typeVocabSize(), e) : null;
        this.positionIds = layout.positions();
        this.layerNorm = b.layerNorm(prefix + "." + layout.norm(), e, layout.normBias());
        this.dropout = b.dropout(layout.dropout());
        this.zeroPadding = layout.zeroPadding();
        this.padTokenId = c.padTokenId();
        this.maxLength = c.maxSequenceLength();
        this.kernels = b.kernels();
    }

    /**
     * The word table's checkpoint key.
     *
     * @return {@code prefix + "." + words + ".weight"}, e.g. {@code bert.embeddings.word_embeddings.weight}
     */
    public String wordsKey() {
        return wordsKey;
    }

    /**
     * The longest sequence the position table covers.
     *
     * @return {@link EncoderConfig#maxSequenceLength()}, tokens per row
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * {@code ids, types [B·T]} (types ignored without a token-type table) → {@code [B·T, E]}.
     *
     * @param ids   token ids, row-major {@code [B·T]}
     * @param types token-type ids {@code [B·T]}
     * @param seq   tokens per row (T)
     * @param mask  the padding mask; DeBERTa zeroes padded rows by it
     * @param pass  whether dropout is on, and its seed
     * @return the embeddings {@code [B·T, E]}, a buffer reused by the next pass
     */
    public INDArray forward(int[] ids, int[] types, int seq, AttentionMask mask, Pass pass) {
        this.ids = ids;
        this.types = types;
        this.seq = seq;
        this.mask = mask;
        this.positionRows = positionIds == Positions.AFTER_PADDING ? afterPadding(ids, seq, padTokenId) : null;
        INDArray x = sum.get(ids.length, words.size(1));
        // transformers adds token types to the words first, then positions
        List<Kernels.Lookup> lookups = new ArrayList<>(List.of(new Kernels.Lookup(words, ids, 0)));
        if (tokenTypes != null) lookups.add(new Kernels.Lookup(tokenTypes, types, 0));
        if (positions != null) lookups.add(new Kernels.Lookup(positions, positionRows, seq));
        kernels.sumRows(x, lookups);
        INDArray out = layerNorm.forward(x, null, null, null, pass);
        if (zeroPadding) kernels.zeroPaddedRows(out, mask);
        dropout.apply(out, pass);
        return out;
    }

    /**
     * Scatters the gradient of the last {@link #forward} into the tables' gradients the pass names; the padding row of
     * the word table (and of RoBERTa's position table) gets none, as with {@code nn.Embedding(padding_idx=...)}.
     *
     * @param dOut the gradient of the output, {@code [B·T, E]}; dropout and DeBERTa's padding mask are applied to it
     *             in place
     * @param pass the pass the forward ran with
     */
    public void backward(INDArray dOut, Pass pass) {
        dropout.apply(dOut, pass);
        if (zeroPadding) kernels.zeroPaddedRows(dOut, mask);
        INDArray d = layerNorm.backward(dOut, pass);
        INDArray dWords = pass.gradient(wordsKey);
        INDArray dPositions = positions == null ? null : pass.gradient(prefix + ".position_embeddings.weight");
        INDArray dTypes = tokenTypes == null ? null : pass.gradient(prefix + ".token_type_embeddings.weight");
        // nn.Embedding(padding_idx=pad_token_id): the padding row never gets a gradient, in RoBERTa's position table too
        if (dWords != null) kernels.scatterRows(d, ids, 0, padTokenId, dWords);
        if (dTypes != null) kernels.scatterRows(d, types, 0, -1, dTypes);
        if (dPositions != null) {
            kernels.scatterRows(d, positionRows, seq, positionIds == Positions.AFTER_PADDING ? padTokenId : -1, dPositions);
        }
    }

    /** Frees the native memory of the activations kept between passes. */
    public void release() {
        sum.release();
        layerNorm.release();
    }

    private static int[] afterPadding(int[] ids, int seq, int pad) {
        int[] out = new int[ids.length];
        for (int r = 0; r < ids.length; r += seq) {
            int count = 0;
            for (int t = 0; t < seq; t++) {
                if (ids[r + t] != pad) {
                    count++;
                    out[r + t] = pad + count;
                } else {
                    out[r + t] = pad;
                }
            }
        }
        return out;
    }
}

package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import dev.jbert.core.nn.TableRows;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Word, token-type and position embeddings, summed, normalised and dropped out: BertEmbeddings, and the variants
 * its descendants make of it. Tables are {@code embedding_size} wide (ELECTRA's may be narrower than the hidden
 * states).
 */
public final class Embeddings {

    /** How a token's position id is found. */
    public enum Positions {
        /** 0, 1, 2, ... along the sequence (BERT, ELECTRA, DistilBERT). */
        ABSOLUTE,
        /**
         * RoBERTa's {@code create_position_ids_from_input_ids}: real tokens count up from {@code padding_idx + 1},
         * padding keeps {@code padding_idx}.
         */
        AFTER_PADDING
    }

    private final String prefix;
    private final INDArray words;             // [V, E]
    private final INDArray positions;         // [P, E]
    private final INDArray tokenTypes;        // [types, E], or null (DistilBERT)
    private final Positions positionIds;
    private final LayerNorm layerNorm;
    private final Dropout dropout;
    private final int padTokenId;
    private final int maxLength;
    private final Slot sum = new Slot();
    private int[] ids;
    private int[] types;
    private int[] positionRows;
    private int seq;

    public Embeddings(ModuleBuilder b, String prefix, Positions positionIds, boolean withTokenTypes) {
        EncoderConfig c = b.config();
        int e = c.embeddingSize();
        this.prefix = prefix;
        this.words = b.param(prefix + ".word_embeddings.weight", c.vocabSize(), e);
        this.positions = b.param(prefix + ".position_embeddings.weight", c.maxPositionEmbeddings(), e);
        this.tokenTypes = withTokenTypes ? b.param(prefix + ".token_type_embeddings.weight", c.typeVocabSize(), e) : null;
        this.positionIds = positionIds;
        this.layerNorm = b.layerNorm(prefix + ".LayerNorm", e);
        this.dropout = b.dropout(c.hiddenDropoutProb());
        this.padTokenId = c.padTokenId();
        this.maxLength = c.maxSequenceLength();
    }

    /** The longest sequence the position table covers. */
    public int maxLength() {
        return maxLength;
    }

    /** {@code ids, types [B·T]} (types ignored without a token-type table) → {@code [B·T, E]}. */
    public INDArray forward(int[] ids, int[] types, int seq, Pass pass) {
        this.ids = ids;
        this.types = types;
        this.seq = seq;
        this.positionRows = positionIds == Positions.AFTER_PADDING ? afterPadding(ids, seq, padTokenId) : null;
        INDArray x = sum.get(ids.length, words.size(1));
        TableRows.Lookup position = new TableRows.Lookup(positions, positionRows, seq);
        // transformers adds token types to the words first, then positions
        if (tokenTypes != null) {
            TableRows.sum(x, new TableRows.Lookup(words, ids, 0), new TableRows.Lookup(tokenTypes, types, 0), position);
        } else {
            TableRows.sum(x, new TableRows.Lookup(words, ids, 0), position);
        }
        INDArray out = layerNorm.forward(x, null, null, null, pass);
        dropout.apply(out, pass);
        return out;
    }

    public void backward(INDArray dOut, Pass pass) {
        dropout.apply(dOut, pass);
        INDArray d = layerNorm.backward(dOut, pass);
        INDArray dWords = pass.gradient(prefix + ".word_embeddings.weight");
        INDArray dPositions = pass.gradient(prefix + ".position_embeddings.weight");
        INDArray dTypes = tokenTypes == null ? null : pass.gradient(prefix + ".token_type_embeddings.weight");
        // nn.Embedding(padding_idx=pad_token_id): the padding row never gets a gradient, in RoBERTa's position table too
        if (dWords != null) TableRows.scatterAdd(d, ids, 0, padTokenId, dWords);
        if (dTypes != null) TableRows.scatterAdd(d, types, 0, -1, dTypes);
        if (dPositions != null) {
            TableRows.scatterAdd(d, positionRows, seq, positionIds == Positions.AFTER_PADDING ? padTokenId : -1, dPositions);
        }
    }

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

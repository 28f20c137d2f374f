package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Pass;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ModernBERT's context of 8,192 tokens at inference, on the fixture's shape with its position limit raised: a full
 * sequence and a padded one go through, every output finite, and a sequence's outputs do not depend on the padding
 * of the batch it is in.
 */
class ModernBertLongContextTest {

    private static final int CONTEXT = 8192;

    @Test
    void eightThousandTokensRunAtInference() {
        ObjectNode json = (ObjectNode) Fixtures.json(Fixtures.folder("families/modernbert/seq-cls").resolve("config.json")).deepCopy();
        json.put("max_position_embeddings", CONTEXT);
        EncoderConfig config = EncoderConfig.fromJson(json);
        Encoder encoder = Family.MODERNBERT.build(config, new RandomWeights(3, 0.02), PoolerChoice.NONE);
        Random random = new Random(11);
        int[][] ids = new int[2][CONTEXT], mask = new int[2][CONTEXT];
        int shortLength = 1000;
        for (int t = 0; t < CONTEXT; t++) {
            ids[0][t] = random.nextInt(config.vocabSize());
            mask[0][t] = 1;
            ids[1][t] = t < shortLength ? ids[0][t] : config.padTokenId();
            mask[1][t] = t < shortLength ? 1 : 0;
        }
        INDArray hidden = encoder.forward(ids, null, mask, Pass.inference()).lastHiddenState();
        assertEquals(2L * CONTEXT, hidden.size(0));
        float[] all = hidden.dup().data().asFloat();
        for (float v : all) assertTrue(Float.isFinite(v), "a non-finite output");

        int[][] alone = {java.util.Arrays.copyOf(ids[0], shortLength)};
        int[][] aloneMask = {java.util.Arrays.copyOf(mask[0], shortLength)};
        float[] reference = encoder.forward(alone, null, aloneMask, Pass.inference()).lastHiddenState().dup().data().asFloat();
        int h = config.hiddenSize();
        float[] padded = java.util.Arrays.copyOfRange(all, CONTEXT * h, CONTEXT * h + shortLength * h);
        assertArrayEquals(reference, padded, 1e-5f, "the padded row's real tokens differ from the same tokens alone");
    }
}

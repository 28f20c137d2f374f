package dev.jbert.bench.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelShapeTest {

    @Test
    void namedShapesHaveTheirStandardDimensions() {
        assertEquals(ModelShape.BASE, ModelShape.named("Base"));
        assertEquals(1536, ModelShape.named("minilm").intermediate());
        assertEquals(12, ModelShape.named(" minilm ").config().numAttentionHeads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelShape.named("large"));
        assertTrue(e.getMessage().contains("'large'") && e.getMessage().contains("tiny, mini, minilm, base"), e.getMessage());
    }

    @Test
    void flopCountFollowsTheStatedFormula() {
        // tiny at 128 tokens, by hand: per layer 128·(8·128² + 4·128·512) + 4·128²·128 = 58,720,256;
        // two layers, plus the pooler's 2·128² and the classifier's 2·128·2
        assertEquals(117_473_792.0, ModelShape.TINY.forwardFlops(128, 2), 0);
        assertEquals(3 * 117_473_792.0, ModelShape.TINY.trainingFlops(128, 2), 0);
        // base, by hand: 12 · (128·(8·768² + 4·768·3072) + 4·128²·768) + 2·768² + 2·768·2
        assertEquals(22_348_434_432.0, ModelShape.BASE.forwardFlops(128, 2), 0);
    }

    @Test
    void familyShapesConfigureTheirReleasedArchitectures() {
        var deberta = ModelShape.named("deberta-v3-base").config();
        assertEquals("deberta-v2", deberta.modelType());
        assertEquals(128100, deberta.vocabSize());
        assertEquals(0, deberta.typeVocabSize());
        var modern = ModelShape.named("ModernBERT-base").config();
        assertEquals("modernbert", modern.modelType());
        assertEquals(22, modern.numHiddenLayers());
        assertEquals(1152, modern.intermediateSize());
        assertEquals(8192, ModelShape.MODERNBERT_BASE.maxLength());
        // ModernBERT-base by hand: 22 · (128·(8·768² + 6·768·1152) + 4·128²·768) + 2·768² + 2·768·2
        double perLayer = 128.0 * (8 * 768 * 768 + 6 * 768 * 1152) + 4.0 * 128 * 128 * 768;
        assertEquals(22 * perLayer + 2 * 768 * 768 + 2 * 768 * 2, ModelShape.MODERNBERT_BASE.forwardFlops(128, 2), 0);
    }
}

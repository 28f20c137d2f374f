package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.bert.config.ProblemType;
import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.FocalLoss;
import dev.jbert.heads.loss.Loss;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** transformers' choice of problem type, and the spec's refusal of mismatched losses and labels. */
class ProblemTypesTest {

    @Test
    void configProblemTypeWins() {
        assertEquals(Task.MULTI_LABEL, ProblemTypes.forSequences(Optional.of(ProblemType.MULTI_LABEL_CLASSIFICATION), 1, Loss.LabelKind.CLASS_INDEX));
        assertEquals(Task.REGRESSION, ProblemTypes.forSequences(Optional.of(ProblemType.REGRESSION), 3, Loss.LabelKind.CLASS_INDEX));
    }

    @Test
    void otherwiseOneLabelIsRegressionAndLabelKindDecides() {
        assertEquals(Task.REGRESSION, ProblemTypes.forSequences(Optional.empty(), 1, Loss.LabelKind.CLASS_INDEX));
        assertEquals(Task.SINGLE_LABEL, ProblemTypes.forSequences(Optional.empty(), 3, Loss.LabelKind.CLASS_INDEX));
        assertEquals(Task.MULTI_LABEL, ProblemTypes.forSequences(Optional.empty(), 3, Loss.LabelKind.MULTI_HOT));
    }

    @Test
    void specRefusesALossForOtherLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassifierSpec.of(Task.MULTI_LABEL, 3).withLoss(new FocalLoss(2, null)));
        assertTrue(e.getMessage().contains("FocalLoss") && e.getMessage().contains("MULTI_HOT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassifierSpec.of(Task.SINGLE_LABEL, 2).withLoss(new BceWithLogitsLoss(null)));
    }

    @Test
    void specRefusesBadLabelSets() {
        assertThrows(IllegalArgumentException.class, () -> ClassifierSpec.of(Task.SINGLE_LABEL, 1));
        assertThrows(IllegalArgumentException.class, () -> ClassifierSpec.of(Task.REGRESSION, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassifierSpec.of(Task.SINGLE_LABEL, List.of("a", "a")));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
    }
}

package dev.jbert.core.imbalance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassWeightStrategyTest {

    @Test
    void parsesTheCommandLineNames() {
        assertEquals(ClassWeightStrategy.INVERSE, ClassWeightStrategy.parse("inverse"));
        assertEquals(ClassWeightStrategy.SQRT_INVERSE, ClassWeightStrategy.parse("sqrt_inverse"));
        assertEquals(ClassWeightStrategy.EFFECTIVE, ClassWeightStrategy.parse(" Effective "));
        for (ClassWeightStrategy s : ClassWeightStrategy.values()) {
            assertEquals(s, ClassWeightStrategy.parse(s.toString()));
        }
    }

    @Test
    void unknownNameListsTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassWeightStrategy.parse("balanced"));
        assertTrue(e.getMessage().contains("'balanced'") && e.getMessage().contains("sqrt_inverse"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassWeightStrategy.parse(null));
    }
}

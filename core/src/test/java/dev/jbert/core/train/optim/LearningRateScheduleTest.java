package dev.jbert.core.train.optim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void linearMatchesTheTrainerTrajectory() {
        JsonNode recipe = TrajectoryFixture.JSON.get("recipe");
        assertEquals("linear", recipe.get("schedule").asText());
        LearningRateSchedule schedule = new LearningRateSchedule(ScheduleType.parse(recipe.get("schedule").asText()),
                recipe.get("lr").doubleValue(), recipe.get("warmup_steps").longValue(), recipe.get("steps").longValue());
        JsonNode lrs = TrajectoryFixture.JSON.get("lrs");
        assertEquals(10, lrs.size());
        for (int step = 0; step < lrs.size(); step++) {
            double expected = lrs.get(step).doubleValue();
            double actual = schedule.learningRate(step);
            assertTrue(Math.abs(actual - expected) <= 1e-15 * Math.abs(expected), "step " + step + ": " + actual + " vs " + expected);
        }
    }

    @Test
    void linearReachesZeroAtTheLastStepAndStaysThere() {
        LearningRateSchedule schedule = new LearningRateSchedule(ScheduleType.LINEAR, 2.0, 0, 4);
        assertEquals(2.0, schedule.learningRate(0));
        assertEquals(1.0, schedule.learningRate(2));
        assertEquals(0.0, schedule.learningRate(4));
        assertEquals(0.0, schedule.learningRate(9));
    }

    @Test
    void cosineFallsAlongHalfACosineAfterWarmup() {
        LearningRateSchedule schedule = new LearningRateSchedule(ScheduleType.COSINE, 1.0, 2, 6);
        assertEquals(0.0, schedule.learningRate(0));
        assertEquals(0.5, schedule.learningRate(1));
        assertEquals(1.0, schedule.learningRate(2));
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), schedule.learningRate(3), 1e-15);
        assertEquals(0.5, schedule.learningRate(4), 1e-15);
        assertEquals(0.0, schedule.learningRate(6), 1e-15);
    }

    @Test
    void constantHoldsTheBaseRateAfterWarmup() {
        LearningRateSchedule warm = new LearningRateSchedule(ScheduleType.CONSTANT, 3e-5, 4, 100);
        assertEquals(0.0, warm.learningRate(0));
        assertEquals(3e-5 * 0.25, warm.learningRate(1));
        assertEquals(3e-5, warm.learningRate(4));
        assertEquals(3e-5, warm.learningRate(100));
        assertEquals(3e-5, new LearningRateSchedule(ScheduleType.CONSTANT, 3e-5, 0, 100).learningRate(0));
    }

    @Test
    void warmupRatioRoundsUpAsPythonDoes() {
        // 0.07 * 100 is 7.000000000000001 in double, so Python's math.ceil gives 8.
        assertEquals(8, LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, 0.07, 100).warmupSteps());
        assertEquals(3, LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, 0.1, 30).warmupSteps());
        assertEquals(1, LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, 0.06, 10).warmupSteps());
        assertEquals(0, LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, 0.0, 10).warmupSteps());
        assertEquals(10, LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, 1.0, 10).warmupSteps());
    }

    @Test
    void parsesHuggingFaceScheduleNames() {
        assertEquals(ScheduleType.LINEAR, ScheduleType.parse("linear"));
        assertEquals(ScheduleType.CONSTANT, ScheduleType.parse("constant"));
        assertEquals(ScheduleType.CONSTANT, ScheduleType.parse("constant_with_warmup"));
        assertEquals(ScheduleType.COSINE, ScheduleType.parse(" COSINE "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScheduleType.parse("polynomial"));
        assertTrue(e.getMessage().contains("polynomial") && e.getMessage().contains("cosine"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScheduleType.parse(null));
    }

    @Test
    void negativeLearningRateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, -1e-3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, Double.NaN, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(ScheduleType.LINEAR, Double.POSITIVE_INFINITY, 0, 10));
    }

    @Test
    void fewerTotalStepsThanWarmupIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(ScheduleType.LINEAR, 1e-3, 11, 10));
        assertTrue(e.getMessage().contains("11") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, 1e-3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, 1e-3, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(null, 1e-3, 0, 10));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.1, Double.NaN})
    void warmupRatioOutsideTheUnitIntervalIsRejected(double ratio) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.withWarmupRatio(ScheduleType.LINEAR, 1e-3, ratio, 10));
        assertTrue(e.getMessage().contains("ratio"), e.getMessage());
    }

    @Test
    void negativeStepIsRejected() {
        LearningRateSchedule schedule = new LearningRateSchedule(ScheduleType.LINEAR, 1e-3, 0, 10);
        assertThrows(IllegalArgumentException.class, () -> schedule.learningRate(-1));
    }
}

package dev.jbert.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link ParameterAveragingTest} with {@code spark.serializer} set to Kryo, as many clusters set it. */
class ParameterAveragingUnderKryoTest extends ParameterAveragingTest {

    @BeforeAll
    static void start() {
        begin("jbert-parameter-averaging-test-kryo", TrainingFixture.KRYO_SERIALIZER);
    }
}

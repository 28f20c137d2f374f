package dev.jbert.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link DataParallelTrainingTest} with {@code spark.serializer} set to Kryo, as many clusters set it. */
class DataParallelTrainingUnderKryoTest extends DataParallelTrainingTest {

    @BeforeAll
    static void start() {
        begin("jbert-data-parallel-test-kryo", TrainingFixture.KRYO_SERIALIZER);
    }
}

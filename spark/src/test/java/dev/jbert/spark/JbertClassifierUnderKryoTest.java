package dev.jbert.spark;

import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** {@link JbertClassifierTest} with {@code spark.serializer} set to Kryo, as many clusters set it. */
class JbertClassifierUnderKryoTest extends JbertClassifierTest {

    @BeforeAll
    static void start() throws IOException {
        begin("jbert-spark-test-kryo", TrainingFixture.KRYO_SERIALIZER);
    }
}

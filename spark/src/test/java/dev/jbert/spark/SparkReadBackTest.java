package dev.jbert.spark;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.testdata.HostMemoryAccess;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark module is held to the rule the training loop is held to: what replicas and the driver send each other,
 * and the labels a batch is split by, are read through {@link ReadBack}, each read named by its use, so that
 * replicas on GPU executors read nothing else back.
 */
class SparkReadBackTest {

    private static JavaClasses classes() {
        return HostMemoryAccess.mainClasses("dev.jbert.core", "dev.jbert.bert", "dev.jbert.heads", "dev.jbert.spark");
    }

    @Test
    void sparkReadsArraysOnlyThroughReadBack() {
        JavaClasses classes = classes();
        assertTrue(classes.stream().anyMatch(c -> c.getName().equals(DataParallelModel.class.getName())), "the Spark classes were not found");
        List<String> violations = HostMemoryAccess.readsOutsideReadBack(classes, c -> c.getPackageName().startsWith("dev.jbert.spark"));
        assertTrue(violations.isEmpty(), "reads of an array outside ReadBack:\n" + String.join("\n", violations));
    }

    @Test
    void theTransfersAreReadBacks() {
        long before = ReadBack.reads(ReadBack.Use.REPLICAS);
        float[] values = FloatArrays.of(org.nd4j.linalg.factory.Nd4j.createFromArray(1f, 2f, 3f), 1f);
        assertFalse(ReadBack.reads(ReadBack.Use.REPLICAS) == before, "a replica's copy is counted as a read-back");
        assertTrue(values.length == 3 && values[2] == 3f);
    }
}

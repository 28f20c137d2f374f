package dev.jbert.heads;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.Trainer;
import dev.jbert.testdata.HostMemoryAccess;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training, evaluation, prediction and saving read an array's values back into the JVM only through
 * {@link ReadBack}, where each read names its use: checked on the compiled classes of core, bert-import and heads
 * by following every call from every class. On a GPU any other read would be a hidden wait for the device.
 *
 * <p>Exempt is the code that runs only with the host kernels, on host memory by design: the host kernels and their
 * helpers, the bf16 and int8 products (refused on any other kernel set) and the fused AdamW (picked only for the
 * host kernels). The array's own file readers and writers (NIO buffers over a file's bytes) are not reads of an
 * array.
 */
class ReadBackArchitectureTest {

    private static JavaClasses classes() {
        JavaClasses classes = HostMemoryAccess.mainClasses("dev.jbert.core", "dev.jbert.bert", "dev.jbert.heads");
        assertTrue(classes.stream().anyMatch(c -> c.getName().equals(Trainer.class.getName())), "the trainer was not found on the class path");
        return classes;
    }

    @Test
    void arraysAreReadOnlyThroughReadBack() {
        List<String> violations = HostMemoryAccess.readsOutsideReadBack(classes(), c -> c.getPackageName().startsWith("dev.jbert."));
        assertTrue(violations.isEmpty(), "reads of an array outside " + ReadBack.class.getSimpleName() + ":\n" + String.join("\n", violations));
    }

    @Test
    void theRuleSeesTheHostOnlyCodeReading() {
        JavaClasses classes = classes();
        for (String name : HostMemoryAccess.HOST_ONLY) {
            assertFalse(HostMemoryAccess.reachableFrom(classes, c -> c.getName().equals(name), c -> false, false).isEmpty(),
                    name + " reads host memory: the rule should see it");
        }
    }
}

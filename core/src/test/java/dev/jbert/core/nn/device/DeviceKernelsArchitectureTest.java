package dev.jbert.core.nn.device;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.jbert.testdata.HostMemoryAccess;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device kernels, and every method of the project they call, however indirectly, never read or write an array's
 * host memory: on a GPU that memory is a stale copy. Not even through {@link dev.jbert.core.nn.ReadBack}: the
 * kernels have no read back of their own to make. The device set only hands its own implementations to its own
 * kernels, so calls into an interface need not be followed.
 */
class DeviceKernelsArchitectureTest {

    private static final String DEVICE = "dev.jbert.core.nn.device";

    private static List<String> reachedFrom(String rootPackage) {
        JavaClasses classes = HostMemoryAccess.mainClasses("dev.jbert.core");
        assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(rootPackage)), rootPackage + " was not found on the class path");
        return HostMemoryAccess.reachableFrom(classes, c -> c.getPackageName().equals(rootPackage), c -> false, true);
    }

    @Test
    void deviceKernelsAndAllTheyCallNeverTouchHostMemory() {
        List<String> violations = reachedFrom(DEVICE);
        assertTrue(violations.isEmpty(), "device kernels reach host memory:\n" + String.join("\n", violations));
    }

    @Test
    void theRuleSeesTheHostKernelsTouchingHostMemory() {
        assertFalse(reachedFrom(HostMemoryAccess.HOST_KERNELS).isEmpty(), "the rule would pass anything if it finds nothing in the host kernels");
    }
}

package dev.jbert.core.nn.device;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device kernels, and every method of the project they call, however indirectly, never read or write an array's
 * host memory: on a GPU that memory is a stale copy. Checked on the compiled classes by following every call from
 * {@code dev.jbert.core.nn.device} through the project's code; a call into an interface is followed no further (the
 * device set only hands its own implementations to its own kernels, which are checked themselves).
 *
 * <p>Host memory is reached through {@code INDArray}'s element accessors and read-backs ({@code data()},
 * {@code getFloat}, {@code putScalar}, {@code toFloatVector}, {@code sumNumber}, ...), ND4J's {@code DataBuffer},
 * JavaCPP's pointers, NIO buffers, and the host kernels and their helpers ({@code dev.jbert.core.nn.host}).
 */
class DeviceKernelsArchitectureTest {

    private static final String DEVICE = "dev.jbert.core.nn.device";
    private static final String PROJECT = "dev.jbert";
    private static final String HOST = "dev.jbert.core.nn.host";
    private static final Set<String> INDARRAY_HOST_ACCESS = Set.of("data", "getFloat", "getDouble", "getInt", "getLong", "getNumber",
            "putScalar", "toFloatVector", "toFloatMatrix", "toDoubleVector", "toDoubleMatrix", "toIntVector", "toIntMatrix", "toLongVector",
            "toLongMatrix", "sumNumber", "meanNumber", "maxNumber", "minNumber", "norm1Number", "norm2Number", "normmaxNumber", "amaxNumber",
            "aminNumber", "stdNumber", "varNumber", "prodNumber", "entropyNumber", "getRow", "toString", "equals", "equalsWithEps");

    /** What a call to {@code target} would touch of host memory, or null. */
    static String hostAccess(JavaCodeUnit target) {
        JavaClass owner = target.getOwner();
        String name = owner.getName(), method = target.getName();
        if (owner.isAssignableTo("org.nd4j.linalg.api.ndarray.INDArray") && INDARRAY_HOST_ACCESS.contains(method)) {
            return "INDArray." + method + "(), which reads or writes the array's host memory";
        }
        if (owner.isAssignableTo("org.nd4j.linalg.api.buffer.DataBuffer")) return "ND4J's DataBuffer." + method + "(): host memory";
        if (name.startsWith("org.bytedeco.javacpp.") || name.startsWith("org.bytedeco.openblas.")) return name + "." + method + "(): native host memory";
        if (name.startsWith("java.nio.") && name.endsWith("Buffer")) return name + "." + method + "(): an NIO view of host memory";
        if (name.startsWith(HOST + ".")) return name + "." + method + "(): a host kernel or helper";
        return null;
    }

    /** Every host access reachable from {@code roots}, as "path: what". */
    static List<String> hostAccessesReachableFrom(JavaClasses classes, String rootPackage) {
        List<String> violations = new ArrayList<>();
        Set<JavaCodeUnit> seen = new HashSet<>();
        Deque<JavaCodeUnit> queue = new ArrayDeque<>();
        for (JavaClass c : classes) {
            if (c.getPackageName().equals(rootPackage)) queue.addAll(c.getCodeUnits());
        }
        while (!queue.isEmpty()) {
            JavaCodeUnit unit = queue.poll();
            if (!seen.add(unit)) continue;
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                for (Object resolved : access.getTarget().resolveMember().stream().toList()) {
                    if (!(resolved instanceof JavaCodeUnit target)) continue;
                    String problem = hostAccess(target);
                    if (problem != null) {
                        violations.add(unit.getFullName() + " (line " + access.getLineNumber() + ") calls " + problem);
                    } else if (target.getOwner().getPackageName().startsWith(PROJECT) && !target.getOwner().isInterface()) {
                        queue.add(target);
                    }
                }
            }
        }
        return violations;
    }

    @Test
    void deviceKernelsAndAllTheyCallNeverTouchHostMemory() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jbert.core", "org.nd4j.linalg.api.ndarray", "org.nd4j.linalg.api.buffer");
        assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(DEVICE)), "the device kernels were not found on the class path");
        List<String> violations = hostAccessesReachableFrom(classes, DEVICE);
        assertTrue(violations.isEmpty(), "device kernels reach host memory:\n" + String.join("\n", violations));
    }

    @Test
    void theRuleSeesTheHostKernelsTouchingHostMemory() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jbert.core", "org.nd4j.linalg.api.ndarray", "org.nd4j.linalg.api.buffer");
        assertTrue(!hostAccessesReachableFrom(classes, HOST).isEmpty(), "the rule would pass anything if it finds nothing in the host kernels");
    }
}

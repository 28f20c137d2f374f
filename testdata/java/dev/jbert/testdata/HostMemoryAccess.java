package dev.jbert.testdata;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds where code reaches an array's host memory, on the compiled classes, by following every call from a set of
 * root classes through the project's code. A call into an interface is followed no further: what implements it is
 * checked as a root of its own where it matters.
 *
 * <p>Host memory is reached through {@code INDArray}'s element accessors and read-backs ({@code data()},
 * {@code getFloat}, {@code putScalar}, {@code toFloatVector}, {@code sumNumber}, ...), ND4J's {@code DataBuffer} and
 * serialisers ({@code Nd4j.write}, ...), JavaCPP's pointers, NIO buffers, and the host kernels and their helpers ({@code dev.jbert.core.nn.host}).
 */
public final class HostMemoryAccess {

    private static final String PROJECT = "dev.jbert";
    /** The host kernels and their helpers. */
    public static final String HOST_KERNELS = "dev.jbert.core.nn.host";
    /**
     * Code that runs only with the host kernels, on host memory by design: the bf16 and int8 products (refused on any
     * other kernel set) and the fused AdamW (picked only for the host kernels).
     */
    public static final Set<String> HOST_ONLY = Set.of("dev.jbert.core.nn.Bf16", "dev.jbert.core.nn.Int8Weights",
            "dev.jbert.core.nn.DynamicQuantization", "dev.jbert.core.train.optim.FusedFloatAdamW");
    private static final String READ_BACK = "dev.jbert.core.nn.ReadBack";
    private static final Set<String> INDARRAY_HOST_ACCESS = Set.of("data", "getFloat", "getDouble", "getInt", "getLong", "getNumber",
            "putScalar", "toFloatVector", "toFloatMatrix", "toDoubleVector", "toDoubleMatrix", "toIntVector", "toIntMatrix", "toLongVector",
            "toLongMatrix", "sumNumber", "meanNumber", "maxNumber", "minNumber", "norm1Number", "norm2Number", "normmaxNumber", "amaxNumber",
            "aminNumber", "stdNumber", "varNumber", "prodNumber", "entropyNumber", "getRow", "toString", "equals", "equalsWithEps");
    /** ND4J's own serialisers, which read the array's host memory themselves. */
    private static final Set<String> ND4J_SERIALISERS = Set.of("write", "toByteArray", "saveBinary", "writeTxt", "writeAsNumpy",
            "toNpyByteArray", "writeNumpy");

    private HostMemoryAccess() {
    }

    /** The project's main classes below {@code packages}, with the ND4J types the rule recognises. */
    public static JavaClasses mainClasses(String... packages) {
        String[] all = new String[packages.length + 2];
        System.arraycopy(packages, 0, all, 0, packages.length);
        all[packages.length] = "org.nd4j.linalg.api.ndarray";
        all[packages.length + 1] = "org.nd4j.linalg.api.buffer";
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(all);
    }

    /** Whether the class is the host kernels' or runs only with them ({@link #HOST_ONLY}). */
    public static boolean hostOnly(JavaClass c) {
        return c.getPackageName().equals(HOST_KERNELS) || HOST_ONLY.contains(c.getName());
    }

    /**
     * Every read of an array's host memory reachable from the {@code roots} classes that does not go through
     * {@code ReadBack} and is not in {@link #hostOnly host-only} code: the rule training, evaluation, prediction and
     * saving are held to.
     */
    public static List<String> readsOutsideReadBack(JavaClasses classes, Predicate<JavaClass> roots) {
        return reachableFrom(classes, roots, c -> c.getName().equals(READ_BACK) || hostOnly(c), false);
    }

    /** What a call to {@code target} would touch of host memory, or null; NIO buffers count only with {@code nio}. */
    static String hostAccess(JavaCodeUnit target, boolean nio) {
        JavaClass owner = target.getOwner();
        String name = owner.getName(), method = target.getName();
        if (owner.isAssignableTo("org.nd4j.linalg.api.ndarray.INDArray") && INDARRAY_HOST_ACCESS.contains(method)) {
            return "INDArray." + method + "(), which reads or writes the array's host memory";
        }
        if (name.equals("org.nd4j.linalg.factory.Nd4j") && ND4J_SERIALISERS.contains(method)) {
            return "Nd4j." + method + "(), which reads the array's host memory";
        }
        if (owner.isAssignableTo("org.nd4j.linalg.api.buffer.DataBuffer")) return "ND4J's DataBuffer." + method + "(): host memory";
        if (name.startsWith("org.bytedeco.javacpp.") || name.startsWith("org.bytedeco.openblas.")) return name + "." + method + "(): native host memory";
        if (nio && name.startsWith("java.nio.") && name.endsWith("Buffer")) return name + "." + method + "(): an NIO view of host memory";
        if (name.startsWith(HOST_KERNELS + ".")) return name + "." + method + "(): a host kernel or helper";
        return null;
    }

    /**
     * Every host access reachable from the code of the {@code roots} classes, as "caller (line n) calls what". Calls
     * into {@code allowed} classes are neither reported nor followed. With {@code nio}, any NIO buffer counts (the
     * device kernels have no business with one); without, only arrays' memory does, and a file's bytes in a heap
     * buffer do not.
     */
    public static List<String> reachableFrom(JavaClasses classes, Predicate<JavaClass> roots, Predicate<JavaClass> allowed, boolean nio) {
        List<String> violations = new ArrayList<>();
        Set<JavaCodeUnit> seen = new HashSet<>();
        Deque<JavaCodeUnit> queue = new ArrayDeque<>();
        for (JavaClass c : classes) {
            if (roots.test(c) && !allowed.test(c)) queue.addAll(c.getCodeUnits());
        }
        while (!queue.isEmpty()) {
            JavaCodeUnit unit = queue.poll();
            if (!seen.add(unit)) continue;
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                for (Object resolved : access.getTarget().resolveMember().stream().toList()) {
                    if (!(resolved instanceof JavaCodeUnit target) || allowed.test(target.getOwner())) continue;
                    String problem = hostAccess(target, nio);
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
}

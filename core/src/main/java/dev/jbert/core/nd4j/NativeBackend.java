package dev.jbert.core.nd4j;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Starts ND4J on the fastest native build this CPU runs, with as many threads as cores this process may use.
 *
 * <p>libnd4j comes in three builds, each an artifact of its own ({@code jbert-native-generic}, {@code -avx2},
 * {@code -avx512}; {@code jbert-native-all} brings all three and is what the command line ships): the generic x86-64
 * one, and the oneDNN AVX2 and AVX-512 ones. The fastest of those on the class path that the CPU runs is loaded. JavaCPP
 * loads whichever its {@code platform.extension} names, so the choice must be made before ND4J first loads. On
 * this machine kind the oneDNN AVX-512 build multiplies matrices at about 1.5–2× the generic build's rate; an
 * AVX-512 build on a CPU without AVX-512 dies of an illegal instruction, so the CPU's flags decide.
 * {@code -Djbert.native=generic|avx2|avx512} pins a build, and an explicit
 * {@code -Dorg.bytedeco.javacpp.platform.extension} is left alone.
 *
 * <p>ND4J sizes its OpenMP pool from the machine's cores, not those the process may use: under a cgroup quota
 * or a {@code taskset} affinity it runs more threads than cores, and every operation waits for threads that are
 * not scheduled. {@code Runtime.availableProcessors()} honours both, and sets the OpenMP and BLAS counts here.
 * An explicit {@code OMP_NUM_THREADS} wins.
 *
 * <p>Every jbert entry point that loads a model calls {@link #init()}. An application that uses ND4J itself
 * before that should call it first; otherwise ND4J has loaded its own choice and a warning says so.
 *
 * <p>Thread-safe: the first {@link #init()} starts ND4J under the class's lock; every call returns the same status.
 */
public final class NativeBackend {

    private static final Logger LOG = LoggerFactory.getLogger(NativeBackend.class);
    private static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String CHOICE_PROPERTY = "jbert.native";
    private static final String BLAS_LOAD_PROPERTY = "org.bytedeco.openblas.load";
    /** libnd4j's AVX-512 build is compiled for Skylake-X: these are the subsets it uses. */
    private static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma");
    /** libnd4j's AVX2 build is compiled for Haswell. */
    private static final Set<String> AVX2_FLAGS = Set.of("avx2", "fma", "bmi1", "bmi2", "f16c");

    /** A native build jbert ships, by the JavaCPP extension that selects it. */
    public enum Build {
        // "-" is one of the extensions ND4J declares; no jar provides it, so JavaCPP falls through to the
        // build without extension, the generic one, even when the others are on the classpath
        /** libnd4j for any x86-64 CPU, without oneDNN. */
        GENERIC("-", "", 0),
        /** libnd4j for AVX2 (Haswell and later) with oneDNN. */
        AVX2("-onednn-avx2", "-onednn-avx2", 2),
        /** libnd4j for AVX-512 (Skylake-X and later) with oneDNN. */
        AVX512("-onednn-avx512", "-onednn-avx512", 3);

        private final String extension;
        private final String folder;
        private final int binaryLevel;

        Build(String extension, String folder, int binaryLevel) {
            this.extension = extension;
            this.folder = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + folder + "/libjnind4jcpu.so";
            this.binaryLevel = binaryLevel;
        }

        /**
         * The JavaCPP platform extension that selects this build.
         *
         * @return the extension, {@code "-"} for the generic build
         */
        public String extension() {
            return extension;
        }

        /**
         * The jbert artifact that brings this build.
         *
         * @return its Maven coordinates, {@code groupId:artifactId}
         */
        public String artifact() {
            return "dev.jbert:jbert-native-" + name().toLowerCase(Locale.ROOT);
        }

        /** Whether this build's library is on the class path. */
        boolean onClassPath() {
            return NativeBackend.class.getClassLoader().getResource(folder) != null;
        }
    }

    private static volatile Status status;

    /**
     * What {@link #init()} chose and found.
     *
     * @param cpu    whether ND4J runs on its CPU backend
     * @param oneDnn whether the loaded build multiplies matrices with oneDNN rather than BLAS
     */
    public record Status(Build chosen, String reason, String loaded, boolean cpu, boolean oneDnn, int threads) {
    }

    /**
     * A GPU ND4J found, from its environment report.
     *
     * @param computeCapability major.minor, e.g. "8.6"
     */
    public record Device(String name, String computeCapability, long totalMemoryBytes, long freeMemoryBytes) {
    }

    /** The oldest compute capability nd4j-cuda-11.6 1.0.0-M2.1 has no kernels for (it ships sm_37 to sm_86 and no PTX). */
    static final int UNSUPPORTED_FROM_MAJOR = 9;

    private NativeBackend() {
    }

    /**
     * Selects the native build (if ND4J has not loaded yet), loads ND4J and sets its thread counts. Idempotent.
     *
     * @return what was chosen and loaded, the same on every call
     */
    public static Status init() {
        Status s = status;
        if (s != null) return s;
        synchronized (NativeBackend.class) {
            if (status == null) status = start();
            return status;
        }
    }

    private static Status start() {
        Build chosen;
        String reason;
        String explicit = System.getProperty(EXTENSION_PROPERTY);
        boolean cuda = cudaOnClasspath();
        if (cuda) {
            chosen = null;
            reason = "the CUDA backend is on the classpath";
        } else if (explicit != null) {
            chosen = Arrays.stream(Build.values()).filter(b -> b.extension.equals(explicit)).findFirst().orElse(null);
            reason = EXTENSION_PROPERTY + "=" + explicit + " was given";
        } else {
            String pinned = System.getProperty(CHOICE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
            Set<String> flags = cpuFlags();
            Set<Build> present = EnumSet.noneOf(Build.class);
            for (Build b : Build.values()) if (b.onClassPath()) present.add(b);
            chosen = choose(pinned, flags, present);
            reason = pinned.equals("auto") ? "the CPU's flags (" + describe(flags) + ")" : "-D" + CHOICE_PROPERTY + "=" + pinned;
            System.setProperty(EXTENSION_PROPERTY, chosen.extension);
        }
        String waitPolicy = passiveOpenMpThreads();
        String blas = chooseBlas();
        String allocator = releaseFreedMemory();
        if (cuda) CudaLibraries.requirePresent();
        String backend;
        try {
            backend = String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().getOrDefault("backend", "unknown"));
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("ND4J's " + (cuda ? "CUDA" : "CPU") + " backend did not start: " + rootMessage(e)
                    + (cuda ? " (a -Pcuda build needs the NVIDIA driver, CUDA 11.6 and cuDNN 8.3; build without -Pcuda for the CPU)" : ""), e);
        }
        if (!backend.equalsIgnoreCase("CPU")) refuseUnsupportedCards(devices());
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        boolean cpu = backend.equalsIgnoreCase("CPU");
        String loaded = cpu ? describeLoaded(ops) : backend;
        if (cpu && chosen != null && explicit == null && ops.binaryLevel() != chosen.binaryLevel
                && !(chosen == Build.GENERIC && ops.binaryLevel() <= 1)) {
            LOG.warn("ND4J was loaded before jbert could choose its native build, and runs the {} build instead of {}: "
                    + "call NativeBackend.init() before using ND4J", loaded, chosen.name().toLowerCase(Locale.ROOT));
        }
        int threads = threads();
        ops.setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        LOG.info("ND4J native build: {} (chosen by {}), {} threads, OpenMP {}, BLAS {}, {}", loaded, reason, threads, waitPolicy, blas,
                allocator);
        return new Status(chosen, reason, loaded, cpu, cpu && ops.buildInfo().contains("HAVE_ONEDNN"), threads);
    }

    /**
     * Makes ND4J's OpenMP threads sleep as soon as a native operation ends, unless the environment already says
     * how they should wait. By default they spin for a while, hoping for more work; here the next work is
     * usually a kernel on jbert's own threads, which the spinning threads then keep from their cores (MiniLM
     * training steps took 1.3× as long). libgomp reads the setting when it loads, so it is put into the process
     * environment before ND4J loads.
     */
    private static String passiveOpenMpThreads() {
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null) {
            return "wait policy from the environment";
        }
        return setenv("OMP_WAIT_POLICY", "PASSIVE") ? "threads passive between operations" : "wait policy unchanged";
    }

    /**
     * Routes BLAS calls to MKL when its jars are on the classpath: the bytedeco OpenBLAS preset that ND4J loads
     * through honours {@code org.bytedeco.openblas.load}. MKL then runs its threads on libgomp, ND4J's own OpenMP
     * runtime, instead of starting Intel's beside it. {@code -Djbert.blas=openblas} keeps OpenBLAS; an explicit
     * {@code org.bytedeco.openblas.load} is left alone.
     */
    private static String chooseBlas() {
        String explicit = System.getProperty(BLAS_LOAD_PROPERTY);
        if (explicit != null) return BLAS_LOAD_PROPERTY + "=" + explicit;
        String choice = System.getProperty("jbert.blas", "auto").trim().toLowerCase(Locale.ROOT);
        if (!choice.equals("auto") && !choice.equals("mkl") && !choice.equals("openblas")) {
            throw new IllegalArgumentException("-Djbert.blas=" + choice + " is not one of auto, mkl, openblas");
        }
        boolean mklPresent = classPresent("org.bytedeco.mkl.global.mkl_rt");
        if (choice.equals("mkl") && !mklPresent) {
            throw new IllegalArgumentException("-Djbert.blas=mkl but org.bytedeco:mkl (with its linux-x86_64 and -redist jars) is not on the classpath");
        }
        if (choice.equals("openblas") || !mklPresent) return "OpenBLAS" + (mklPresent ? " (-Djbert.blas=openblas)" : "");
        if (System.getenv("MKL_THREADING_LAYER") == null) setenv("MKL_THREADING_LAYER", "GNU");
        System.setProperty(BLAS_LOAD_PROPERTY, "mkl_rt");
        return "MKL";
    }

    private static boolean setenv(String name, String value) {
        try {
            CLibrary libc = (CLibrary) Native.loadLibrary("c", CLibrary.class);
            return libc.setenv(name, value, 0) == 0;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot set {}: {}", name, e.toString());
            return false;
        }
    }

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, NativeBackend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** glibc's {@code mallopt} parameter for the size from which allocations are separate mappings. */
    private static final int M_MMAP_THRESHOLD = -3;

    /**
     * Gives every native allocation of a megabyte or more its own mapping, returned to the system when freed.
     * glibc otherwise raises that threshold as large blocks are freed, keeps later ones in its heap, and the
     * process keeps their pages after the arrays are gone: a training run's activation buffers, reallocated as
     * batch lengths grow, stayed resident several times over.
     */
    private static String releaseFreedMemory() {
        try {
            CLibrary libc = (CLibrary) Native.loadLibrary("c", CLibrary.class);
            return libc.mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1 ? "large blocks mapped apart" : "allocator unchanged";
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot set the allocator's mmap threshold: {}", e.toString());
            return "allocator unchanged";
        }
    }

    /** The C library's {@code setenv} and {@code mallopt}, through JNA (ND4J depends on it already). */
    interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);

        int mallopt(int param, int value);
    }

    /**
     * Threads for native operations: {@code OMP_NUM_THREADS} if set, else the cores this process may use.
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && omp.trim().matches("\\d+") && Integer.parseInt(omp.trim()) > 0) return Integer.parseInt(omp.trim());
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The build for a {@code -Djbert.native} value and the CPU's flags.
     *
     * @throws IllegalArgumentException for an unknown value, or a build the CPU cannot run
     */
    /**
     * The build to load: the fastest of those {@code present} on the class path that a CPU with these flags runs, or
     * the pinned one.
     *
     * @throws IllegalArgumentException for a pinned build the CPU cannot run, or an unknown value
     * @throws BackendUnavailableException when no build the CPU runs (or not the pinned one) is on the class path
     */
    static Build choose(String pinned, Set<String> flags, Set<Build> present) {
        Build best = bestFor(flags);
        Build chosen = switch (pinned) {
            case "auto" -> present.stream().filter(b -> b.binaryLevel <= best.binaryLevel)
                    .max(Comparator.comparingInt(b -> b.binaryLevel)).orElse(null);
            case "generic" -> Build.GENERIC;
            case "avx2" -> Build.AVX2;
            case "avx512" -> Build.AVX512;
            default -> throw new IllegalArgumentException("-D" + CHOICE_PROPERTY + "=" + pinned
                    + " is not one of auto, generic, avx2, avx512");
        };
        if (chosen == null) {
            throw new BackendUnavailableException("no native build of ND4J that this CPU runs is on the class path (found: "
                    + (present.isEmpty() ? "none" : present.stream().map(b -> b.name().toLowerCase(Locale.ROOT)).toList())
                    + "): add " + best.artifact() + ", the fastest this CPU runs, or dev.jbert:jbert-native-all for every build");
        }
        if (chosen.binaryLevel > best.binaryLevel) {
            throw new IllegalArgumentException("-D" + CHOICE_PROPERTY + "=" + pinned + " needs CPU flags "
                    + (chosen == Build.AVX512 ? AVX512_FLAGS : AVX2_FLAGS) + " that this CPU lacks; the best it runs is "
                    + best.name().toLowerCase(Locale.ROOT));
        }
        if (!present.contains(chosen)) {
            throw new BackendUnavailableException("-D" + CHOICE_PROPERTY + "=" + pinned + " but that build is not on the class path: add "
                    + chosen.artifact());
        }
        return chosen;
    }

    static Build bestFor(Set<String> flags) {
        if (flags.containsAll(AVX512_FLAGS)) return Build.AVX512;
        if (flags.containsAll(AVX2_FLAGS)) return Build.AVX2;
        return Build.GENERIC;
    }

    /**
     * The flags of the first processor in {@code /proc/cpuinfo}; empty where there is none (not Linux x86).
     *
     * @return the flags, such as {@code avx2}
     */
    public static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return new HashSet<>(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read CPU flags: {}", e.toString());
        }
        return Set.of();
    }

    private static String describe(Set<String> flags) {
        if (flags.isEmpty()) return "unknown";
        return flags.containsAll(AVX512_FLAGS) ? "AVX-512" : flags.containsAll(AVX2_FLAGS) ? "AVX2" : "no AVX2";
    }

    /**
     * The instruction set libnd4j was compiled for and whether it carries oneDNN, as ND4J reports them.
     *
     * @param ops ND4J's native operations
     * @return for example {@code "AVX-512 + oneDNN"}
     */
    public static String describeLoaded(NativeOps ops) {
        String isa = switch (ops.binaryLevel()) {
            case 0, 1 -> "generic x86-64";
            case 2 -> "AVX2";
            case 3 -> "AVX-512";
            default -> "binary level " + ops.binaryLevel();
        };
        return isa + (ops.buildInfo().contains("HAVE_ONEDNN") ? " + oneDNN" : "");
    }

    /**
     * The GPUs ND4J's CUDA backend reports; empty on the CPU backend.
     *
     * @return the GPUs, in ND4J's order
     */
    @SuppressWarnings("unchecked")
    public static java.util.List<Device> devices() {
        Object info = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        java.util.List<Device> out = new java.util.ArrayList<>();
        if (!(info instanceof java.util.List<?> list)) return out;
        for (Object o : list) {
            if (!(o instanceof java.util.Map<?, ?> m)) continue;
            out.add(new Device(String.valueOf(m.get("cuda.deviceName")), m.get("cuda.deviceMajor") + "." + m.get("cuda.deviceMinor"),
                    number(m.get("cuda.totalMemory")), number(m.get("cuda.freeMemory"))));
        }
        return out;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    /** Stops before any work on a card the CUDA 11.6 build cannot run: it ships no PTX, so a newer card fails at its first kernel. */
    static void refuseUnsupportedCards(java.util.List<Device> devices) {
        for (Device d : devices) {
            int major;
            try {
                major = Integer.parseInt(d.computeCapability().substring(0, d.computeCapability().indexOf('.')));
            } catch (RuntimeException e) {
                continue;
            }
            if (major >= UNSUPPORTED_FROM_MAJOR) {
                throw new BackendUnavailableException(d.name() + " has compute capability " + d.computeCapability() + ", and ND4J 1.0.0-M2.1's"
                        + " CUDA 11.6 build has kernels for 3.7 to 8.6 only (no PTX): run on an older card (V100, T4, A10, A100, RTX 30xx"
                        + " and earlier) or build without -Pcuda for the CPU");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /**
     * Whether a native library of this name loads (for reports: which CUDA libraries a machine has).
     *
     * @param name the library's name, as JNA's {@code NativeLibrary.getInstance} takes it
     * @return whether it loads
     */
    public static boolean loadable(String name) {
        return CudaLibraries.loadable(List.of(name));
    }

    private static boolean cudaOnClasspath() {
        return classPresent("org.nd4j.linalg.jcublas.JCublasBackend");
    }
}

package dev.jbert.bench.harness;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.nio.file.Path;
import java.util.Properties;

/**
 * What ran a benchmark: the machine, the JVM, and which ND4J backend and native build, so that
 * results from different machines and builds are never mistaken for one another.
 *
 * @param cpu          the processor's model name (/proc/cpuinfo), or the OS architecture elsewhere
 * @param cores        processors the JVM sees
 * @param memoryGb     physical memory, from /proc/meminfo (NaN elsewhere)
 * @param jvm          runtime name and version
 * @param maxHeapMb    -Xmx
 * @param backend      ND4J backend: CPU or CUDA
 * @param nativeBuild  for CPU, the instruction set the native library was compiled for (generic x86-64,
 *                     AVX2, AVX-512) and whether it carries oneDNN; for CUDA, the backend's own name
 * @param blas         BLAS vendor ND4J reports
 * @param threads      OpenMP threads ND4J's native ops use
 * @param lowPrecision the CPU's bfloat16 and int8 instructions (/proc/cpuinfo flags), which bf16 and int8 need
 */
public record Machine(String cpu, int cores, double memoryGb, String jvm, long maxHeapMb, String backend,
                      String nativeBuild, String blas, int threads, String lowPrecision) {

    public static Machine current() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(env.getProperty("backend", "unknown"));
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        String build = backend.equalsIgnoreCase("CPU")
                ? instructionSet(ops.binaryLevel()) + (ops.buildInfo().contains("HAVE_ONEDNN") ? " + oneDNN" : "")
                : backend;
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), totalMemoryGb(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().maxMemory() >> 20,
                backend, build, String.valueOf(env.getOrDefault("blas.vendor", "unknown")), ops.ompGetMaxThreads(), lowPrecisionFlags());
    }

    /** One line for a report header. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s, %d cores, %.0f GB (%s); %s, -Xmx%d m; ND4J %s backend, %s build, %s BLAS, %d threads",
                cpu, cores, memoryGb, lowPrecision, jvm, maxHeapMb, backend, nativeBuild, blas, threads);
    }

    private static String lowPrecisionFlags() {
        java.util.Set<String> flags = dev.jbert.core.nd4j.NativeBackend.cpuFlags();
        java.util.List<String> found = java.util.stream.Stream.of("avx512_bf16", "amx_bf16", "avx512_vnni", "avx_vnni", "amx_int8")
                .filter(flags::contains).toList();
        return found.isEmpty() ? "no bf16 or VNNI instructions" : String.join(", ", found);
    }

    /** libnd4j's binary levels (0 and 1 are both its generic build), as ND4J's own start-up log names them. */
    private static String instructionSet(int level) {
        return switch (level) {
            case 0, 1 -> "generic x86-64";
            case 2 -> "AVX2";
            case 3 -> "AVX-512";
            default -> "binary level " + level;
        };
    }

    private static String cpuModel() {
        return ProcessMemory.procField(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
    }

    private static double totalMemoryGb() {
        return ProcessMemory.procField(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("\\D", "")) / (1024.0 * 1024.0)).orElse(Double.NaN);
    }
}

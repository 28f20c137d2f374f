package dev.jbert.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process's memory as Linux reports it (resident memory is what ND4J's native buffers really
 * cost, heap or not) and the JVM heap's peak use, which its memory pools track between resets.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** VmRSS in megabytes, or NaN where /proc is not available. */
    public static double residentMegabytes() {
        return status(STATUS, "VmRSS");
    }

    /** VmRSS of another process (a server under load) in megabytes, or NaN where /proc or the process is not there. */
    public static double residentMegabytes(long pid) {
        return status(Path.of("/proc", Long.toString(pid), "status"), "VmRSS");
    }

    /** Starts a new heap peak: {@link #peakHeapMegabytes()} then reports the highest use since this call. */
    public static void resetHeapPeak() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peak use since {@link #resetHeapPeak()}, in megabytes. */
    public static double peakHeapMegabytes() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) bytes += pool.getPeakUsage().getUsed();
        }
        return bytes / (1024.0 * 1024.0);
    }

    private static double status(Path file, String field) {
        return procField(file, field).map(v -> Long.parseLong(v.replaceAll("\\D", "")) / 1024.0).orElse(Double.NaN);
    }

    /**
     * The value after the colon on the first line of a Linux /proc file that starts with {@code key}
     * ("VmRSS", "MemTotal", "model name"); empty where the file or the line does not exist.
     */
    static Optional<String> procField(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) return Optional.of(line.substring(line.indexOf(':') + 1).strip());
            }
        } catch (IOException | RuntimeException notLinux) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

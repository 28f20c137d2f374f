package dev.jbert.cli.doctor;

import dev.jbert.core.nd4j.NativeBackend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code jbert doctor} reports and checks, apart from the command line. */
public final class Doctor {

    private Doctor() {
    }

    /** A check's outcome: the measured deviation against its tolerance. */
    public record Check(String what, double deviation, double tolerance) {
        public boolean passed() {
            return deviation <= tolerance;
        }
    }

    /** The bundled classifier of {@code family} on the active backend and kernels: logits, gradients, three Trainer steps. */
    public static List<Check> checkFamily(String family, Path scratch) {
        List<Check> out = new ArrayList<>();
        for (BundledFixture.Result r : BundledFixture.unpack(family, scratch).check(3, scratch)) {
            out.add(new Check(r.what(), r.deviation(), r.tolerance()));
        }
        return out;
    }

    /** One line per GPU: name, compute capability, memory; the CPU backend's own line otherwise. */
    public static List<String> devices(NativeBackend.Status status) {
        if (status.cpu()) return List.of("none (the CPU backend)");
        List<String> out = new ArrayList<>();
        for (NativeBackend.Device d : NativeBackend.devices()) {
            out.add(String.format(Locale.ROOT, "%s, compute capability %s, %.1f GB (%.1f GB free)", d.name(), d.computeCapability(),
                    d.totalMemoryBytes() / 1e9, d.freeMemoryBytes() / 1e9));
        }
        return out.isEmpty() ? List.of("none reported by ND4J's " + status.loaded() + " backend") : out;
    }

    /** Which of the CUDA libraries a GPU build needs load here. */
    public static List<String> cudaLibraries(NativeBackend.Status status) {
        if (status.cpu()) return List.of("CUDA not needed on the CPU backend");
        List<String> out = new ArrayList<>();
        for (String[] lib : new String[][]{{"NVIDIA driver", "libcuda.so.1"}, {"CUDA runtime 11.6", "libcudart.so.11.0"},
                {"cuBLAS 11", "libcublas.so.11"}, {"cuDNN 8", "libcudnn.so.8"}}) {
            out.add(lib[0] + " (" + lib[1] + "): " + (NativeBackend.loadable(lib[1]) ? "found" : "not found"));
        }
        return out;
    }

    /** Free memory of the first GPU, or -1 on the CPU backend. */
    public static long freeDeviceMemory() {
        if (NativeBackend.init().cpu()) return -1;
        List<NativeBackend.Device> devices = NativeBackend.devices();
        return devices.isEmpty() ? -1 : devices.get(0).freeMemoryBytes();
    }
}

package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeBackend;

import java.util.Optional;
import java.util.Set;

/**
 * Whether this machine multiplies a precision fast: a lower precision without its instructions falls back to
 * reference loops slower than float32, so it is refused, never run slowly in silence.
 *
 * <p>bf16 needs AVX512-BF16 (Intel Cooper Lake, Sapphire Rapids and later; AMD Zen 4 and later) or AMX-BF16; int8
 * needs VNNI (AVX512-VNNI: Intel Cascade Lake and later, AMD Zen 4 and later; or AVX-VNNI: Intel Alder Lake and
 * later). Both need a libnd4j build with oneDNN, whose kernels use them, on ND4J's CPU backend.
 */
public final class PrecisionSupport {

    private PrecisionSupport() {
    }

    /**
     * Checks that this machine runs {@code p} fast: ND4J's CPU backend with its oneDNN build, the host kernels, and the
     * CPU instructions the precision needs.
     *
     * @param p the precision
     * @throws UnsupportedPrecisionException with one line naming what is missing
     */
    public static void require(Precision p) {
        problem(p, NativeBackend.cpuFlags(), NativeBackend.init(), KernelSet.active()).ifPresent(message -> {
            throw new UnsupportedPrecisionException(message);
        });
    }

    /**
     * Whether this machine runs {@code p} fast.
     *
     * @param p the precision
     * @return whether {@link #require} would pass
     */
    public static boolean supported(Precision p) {
        return problem(p, NativeBackend.cpuFlags(), NativeBackend.init(), KernelSet.active()).isEmpty();
    }

    /**
     * What keeps {@code p} from running fast on a CPU with {@code flags}, ND4J as {@code backend} started and models
     * built with {@code kernels}, if anything.
     */
    static Optional<String> problem(Precision p, Set<String> flags, NativeBackend.Status backend, KernelSet kernels) {
        if (p == Precision.FP32) return Optional.empty();
        if (!backend.cpu()) {
            return Optional.of(p.flag() + " products run on ND4J's CPU backend only, and the " + backend.loaded() + " backend is loaded");
        }
        if (kernels != KernelSet.HOST) {
            return Optional.of(p.flag() + " products run on the host kernels only, and the models compute with the " + kernels.flag() + " kernels");
        }
        String missing = switch (p) {
            case BF16 -> flags.contains("avx512_bf16") || flags.contains("amx_bf16") ? null
                    : "AVX512-BF16 or AMX-BF16 (Intel Cooper Lake, Sapphire Rapids or later; AMD Zen 4 or later), and this CPU's flags"
                    + " have neither avx512_bf16 nor amx_bf16";
            case INT8 -> flags.contains("avx512_vnni") || flags.contains("avx_vnni") ? null
                    : "VNNI (AVX512-VNNI: Intel Cascade Lake or later, AMD Zen 4 or later; AVX-VNNI: Intel Alder Lake or later), and this"
                    + " CPU's flags have neither avx512_vnni nor avx_vnni";
            case FP32 -> null;
        };
        if (missing != null) return Optional.of(p.flag() + " needs a CPU with " + missing + ": use fp32");
        if (!backend.oneDnn()) {
            return Optional.of(p.flag() + " needs ND4J's oneDNN build, and the " + backend.loaded() + " build is loaded"
                    + " (-Djbert.native=generic was given, or the CPU lacks AVX2): use fp32");
        }
        return Optional.empty();
    }
}

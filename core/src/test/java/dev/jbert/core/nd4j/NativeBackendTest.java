package dev.jbert.core.nd4j;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBackendTest {

    private static final Set<String> ZEN4 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c",
            "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    private static final Set<String> HASWELL = Set.of("sse4_2", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c");
    private static final Set<String> SANDY_BRIDGE = Set.of("sse4_2", "avx");

    @Test
    void theCpuFlagsPickTheFastestBuildTheyRun() {
        assertEquals(NativeBackend.Build.AVX512, NativeBackend.choose("auto", ZEN4));
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("auto", HASWELL));
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("auto", SANDY_BRIDGE));
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("auto", Set.of()));
        // AVX-512 F alone (Xeon Phi) lacks the subsets the build uses
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("auto",
                Set.of("avx2", "fma", "bmi1", "bmi2", "f16c", "avx512f", "avx512cd")));
    }

    @Test
    void aPinnedBuildIsTakenWhenTheCpuRunsIt() {
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("generic", ZEN4));
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("avx2", ZEN4));
    }

    @Test
    void aBuildTheCpuCannotRunIsRefusedWithTheMissingFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("avx512", HASWELL));
        assertTrue(e.getMessage().contains("avx512f") && e.getMessage().contains("best it runs is avx2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("avx2", SANDY_BRIDGE));
    }

    @Test
    void anUnknownValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("fastest", ZEN4));
        assertTrue(e.getMessage().contains("auto, generic, avx2, avx512"), e.getMessage());
    }

    @Test
    void theTestSessionStartedTheBuildThisCpuRuns() {
        NativeBackend.Status status = NativeBackend.init();
        assertEquals(NativeBackend.choose("auto", NativeBackend.cpuFlags()), status.chosen());
        assertTrue(status.threads() >= 1);
    }
}

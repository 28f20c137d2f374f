package dev.jbert.core.nd4j;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBackendTest {

    private static final Set<String> ZEN4 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c",
            "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    private static final Set<String> HASWELL = Set.of("sse4_2", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c");
    private static final Set<String> SANDY_BRIDGE = Set.of("sse4_2", "avx");
    private static final Set<NativeBackend.Build> ALL = EnumSet.allOf(NativeBackend.Build.class);

    @Test
    void theCpuFlagsPickTheFastestBuildTheyRun() {
        assertEquals(NativeBackend.Build.AVX512, NativeBackend.choose("auto", ZEN4, ALL));
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("auto", HASWELL, ALL));
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("auto", SANDY_BRIDGE, ALL));
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("auto", Set.of(), ALL));
        // AVX-512 F alone (Xeon Phi) lacks the subsets the build uses
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("auto",
                Set.of("avx2", "fma", "bmi1", "bmi2", "f16c", "avx512f", "avx512cd"), ALL));
    }

    @Test
    void aPinnedBuildIsTakenWhenTheCpuRunsIt() {
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("generic", ZEN4, ALL));
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("avx2", ZEN4, ALL));
    }

    @Test
    void aBuildTheCpuCannotRunIsRefusedWithTheMissingFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("avx512", HASWELL, ALL));
        assertTrue(e.getMessage().contains("avx512f") && e.getMessage().contains("best it runs is avx2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("avx2", SANDY_BRIDGE, ALL));
    }

    @Test
    void theFastestBuildOnTheClassPathThatTheCpuRunsIsTaken() {
        assertEquals(NativeBackend.Build.AVX2, NativeBackend.choose("auto", ZEN4, EnumSet.of(NativeBackend.Build.AVX2, NativeBackend.Build.GENERIC)));
        assertEquals(NativeBackend.Build.GENERIC, NativeBackend.choose("auto", SANDY_BRIDGE, EnumSet.of(NativeBackend.Build.AVX2, NativeBackend.Build.GENERIC)));
        assertEquals(NativeBackend.Build.AVX512, NativeBackend.choose("auto", ZEN4, EnumSet.of(NativeBackend.Build.AVX512)));
    }

    @Test
    void noBuildTheCpuRunsOnTheClassPathNamesTheArtifactToAdd() {
        BackendUnavailableException none = assertThrows(BackendUnavailableException.class,
                () -> NativeBackend.choose("auto", HASWELL, EnumSet.noneOf(NativeBackend.Build.class)));
        assertTrue(none.getMessage().contains("found: none") && none.getMessage().contains("dev.jbert:jbert-native-avx2"), none.getMessage());
        BackendUnavailableException tooNew = assertThrows(BackendUnavailableException.class,
                () -> NativeBackend.choose("auto", SANDY_BRIDGE, EnumSet.of(NativeBackend.Build.AVX512)));
        assertTrue(tooNew.getMessage().contains("found: [avx512]") && tooNew.getMessage().contains("dev.jbert:jbert-native-generic"),
                tooNew.getMessage());
        BackendUnavailableException pinned = assertThrows(BackendUnavailableException.class,
                () -> NativeBackend.choose("avx512", ZEN4, EnumSet.of(NativeBackend.Build.GENERIC)));
        assertTrue(pinned.getMessage().contains("not on the class path: add dev.jbert:jbert-native-avx512"), pinned.getMessage());
    }

    @Test
    void everyBuildIsOnTheTestClassPath() {
        for (NativeBackend.Build b : NativeBackend.Build.values()) assertTrue(b.onClassPath(), b + " via jbert-native-all");
    }

    @Test
    void anUnknownValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBackend.choose("fastest", ZEN4, ALL));
        assertTrue(e.getMessage().contains("auto, generic, avx2, avx512"), e.getMessage());
    }

    @Test
    void theTestSessionStartedTheBuildThisCpuRuns() {
        NativeBackend.Status status = NativeBackend.init();
        assertEquals(NativeBackend.choose("auto", NativeBackend.cpuFlags(), ALL), status.chosen());
        assertTrue(status.threads() >= 1);
    }
}

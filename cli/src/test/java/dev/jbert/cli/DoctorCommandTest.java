package dev.jbert.cli;

import dev.jbert.core.nn.KernelSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert doctor} on this machine, with either kernel set: every bundled classifier checked, and passing. */
class DoctorCommandTest {

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void everyBundledClassifierPassesWithEitherKernelSet(KernelSet kernels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = Main.run("doctor", "--kernels", kernels.flag(), "--probe-seconds", "0");
        } finally {
            System.setOut(stdout);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, report);
        assertTrue(report.contains("kernels:  " + kernels.flag()), report);
        for (String family : new String[]{"bert", "distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert"}) {
            assertTrue(report.lines().anyMatch(l -> l.startsWith(family + " ") && l.contains("logits") && l.contains(" ok ")), family + ":\n" + report);
        }
        assertTrue(report.contains("all 21 checks passed"), report);
    }

    @Test
    void anUnknownKernelSetIsBadUsage() {
        assertEquals(2, Main.run("doctor", "--kernels", "gpu"));
    }
}

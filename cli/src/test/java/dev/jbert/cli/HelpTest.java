package dev.jbert.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} works on every command, required options or not, as the README promises. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "serve", "tokenize", "bench"})
    void everyCommandPrintsItsUsage(String command) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(command, "--help");
        } finally {
            System.setOut(stdout);
        }
        String usage = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, usage);
        assertTrue(usage.contains("Usage: jbert " + command), usage);
    }
}

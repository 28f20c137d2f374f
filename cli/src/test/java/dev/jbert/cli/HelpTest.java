package dev.jbert.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} works on every command, required options or not, as the README promises. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "predict", "serve", "tokenize", "bench", "bench accuracy"})
    void everyCommandPrintsItsUsage(String command) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run((command + " --help").split(" "));
        } finally {
            System.setOut(stdout);
        }
        String usage = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, usage);
        assertTrue(usage.contains("Usage: jbert " + command), usage);
    }

    /** A user reading --help learns what every option does; a bare option name says nothing. */
    @Test
    void everyOptionOfEveryCommandIsDescribed() {
        List<String> bare = new ArrayList<>();
        describe(new CommandLine(new Main()), bare);
        assertEquals(List.of(), bare, "options without a description");
    }

    private static void describe(CommandLine command, List<String> bare) {
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            if (option.description().length == 0 || String.join("", option.description()).isBlank()) {
                bare.add(command.getCommandSpec().qualifiedName() + " " + option.longestName());
            }
        }
        command.getSubcommands().values().forEach(sub -> describe(sub, bare));
    }
}

package dev.jbert.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java blocks are regions of test sources that are compiled (and run): a block marked
 * {@code <!-- compiled: FILE.java NAME -->} must be the region between {@code // README NAME} and {@code // END} of that
 * test source, every region of it must be in the README, in order, so neither can go stale without a test failing.
 */
public final class ReadmeRegions {

    private ReadmeRegions() {
    }

    /** Checks the README's blocks marked with {@code source}'s file name against its regions. */
    public static void assertReadmeShows(Path source) {
        String file = source.getFileName().toString();
        Map<String, String> regions = regions(source);
        Pattern marked = Pattern.compile("<!-- compiled: " + Pattern.quote(file) + " (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);
        Matcher m = marked.matcher(read(Fixtures.repositoryRoot().resolve("README.md")));
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            assertTrue(regions.containsKey(name), "README shows a region " + file + " does not have: " + name);
            assertEquals(regions.get(name), dedent(List.of(m.group(2).split("\n"))), "README block " + name + " differs from " + file);
            shown.add(name);
        }
        assertEquals(List.copyOf(regions.keySet()), shown, "every region of " + file + " is in the README, in order");
    }

    private static Map<String, String> regions(Path source) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String line : read(source).split("\n")) {
            String t = line.strip();
            if (t.startsWith("// README ")) {
                name = t.substring("// README ".length());
                body = new ArrayList<>();
            } else if (t.equals("// END") && name != null) {
                out.put(name, dedent(body));
                name = null;
            } else if (name != null) {
                body.add(line);
            }
        }
        assertFalse(out.isEmpty(), "no regions in " + source);
        return out;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : lines) out.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        return out.toString().strip();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

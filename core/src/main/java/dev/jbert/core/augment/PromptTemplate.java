package dev.jbert.core.augment;

import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The few-shot request sent for one label: a fixed system message and a user message from a template the user may
 * replace ({@code --prompt-template}). Placeholders: {@code {{label}}}, {@code {{description}}} (the label's
 * description line, or nothing), {@code {{examples}}} (the real examples shown, one JSON value per line),
 * {@code {{count}}} and {@code {{reply_format}}} ("strings", or objects with {@code text} and {@code text_pair} for
 * sentence pairs). The template's id and the SHA-256 of both messages' templates go into every generated row.
 * Immutable.
 */
public final class PromptTemplate {

    static final String SYSTEM = "You write training data for a text classifier. You reply with JSON only.";
    private static final String BUILT_IN = "default-prompt.txt";

    private final String id;
    private final String text;
    private final String hash;

    private PromptTemplate(String id, String text) {
        this.id = id;
        this.text = text;
        this.hash = sha256(SYSTEM + "\n" + text);
    }

    /**
     * jbert's own template, id {@code builtin:default-prompt.txt}.
     *
     * @return the template
     */
    public static PromptTemplate builtIn() {
        try (InputStream in = PromptTemplate.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) throw new IllegalStateException("the jar lacks " + BUILT_IN);
            return new PromptTemplate("builtin:" + BUILT_IN, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A template file, whose id is its file name.
     *
     * @param file the template, UTF-8
     * @return the template
     * @throws ModelFileException if it cannot be read or lacks {@code {{label}}} or {@code {{examples}}}
     */
    public static PromptTemplate read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read the prompt template: " + e.getMessage());
        }
        for (String needed : List.of("{{label}}", "{{examples}}")) {
            if (!text.contains(needed)) {
                throw new ModelFileException(file, "the prompt template has no " + needed + " placeholder; it needs {{label}} and "
                        + "{{examples}} (and may use {{description}}, {{count}}, {{reply_format}})");
            }
        }
        return new PromptTemplate(String.valueOf(file.getFileName()), text);
    }

    /**
     * The template's id, for provenance: {@code builtin:default-prompt.txt} or the file's name.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The first 16 hex digits of the SHA-256 of the system message and the template.
     *
     * @return 16 lower-case hex digits
     */
    public String hash() {
        return hash;
    }

    String system() {
        return SYSTEM;
    }

    /** The user message asking for {@code count} examples of {@code label}. */
    String render(String label, String description, List<String> examples, int count, boolean pairs) {
        return text.replace("{{label}}", label)
                .replace("{{description}}", description == null || description.isBlank() ? "" : "The class means: " + description.strip())
                .replace("{{examples}}", String.join("\n", examples))
                .replace("{{count}}", Integer.toString(count))
                .replace("{{reply_format}}", pairs ? "objects, each {\"text\": ..., \"text_pair\": ...}" : "strings");
    }

    private static String sha256(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

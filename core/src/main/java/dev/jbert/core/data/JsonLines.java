package dev.jbert.core.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.jbert.core.ModelFileException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The objects of a JSONL file (one per non-empty line), or of a file holding one JSON array of
 * objects, each with the line it starts on. A line that is not valid JSON or not an object is a bad row.
 */
final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper()
            // "{...} junk" on a line is a bad row, not an object followed by ignored text
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Inside an array the next object always follows: there the trailing-token check must be off. */
    private static final ObjectReader ELEMENT = JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** An object and the line it starts on. */
    record Entry(long line, JsonNode node) {
    }

    private JsonLines() {
    }

    /** The objects of {@code file}; bad lines go to {@code bad}. */
    static List<Entry> read(Path file, BadRows bad) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            skipByteOrderMark(reader);
            return startsWithArray(reader) ? array(file, reader, bad) : lines(reader, bad);
        }
    }

    /** Field names of an object, in order. */
    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    /** How a message names a node's type: "a number", "a list", ... */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) return "missing";
        if (node.isNull()) return "null";
        if (node.isArray()) return "a list";
        if (node.isObject()) return "an object";
        if (node.isNumber()) return "a number (" + node.asText() + ")";
        if (node.isBoolean()) return "a boolean (" + node.asText() + ")";
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<Entry> lines(BufferedReader reader, BadRows bad) throws IOException {
        List<Entry> out = new ArrayList<>();
        LineReader lines = new LineReader(reader);
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                bad.report(lines.lineNumber(), "not valid JSON (" + e.getOriginalMessage() + ")");
                continue;
            }
            if (!node.isObject()) {
                bad.report(lines.lineNumber(), "expected a JSON object, found " + describe(node));
                continue;
            }
            out.add(new Entry(lines.lineNumber(), node));
        }
        return out;
    }

    private static List<Entry> array(Path file, BufferedReader reader, BadRows bad) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(reader)) {
            parser.nextToken();                                                         // the opening [
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t == null) throw new ModelFileException(file, "the JSON array is not closed");
                long line = parser.currentTokenLocation().getLineNr();
                JsonNode node = ELEMENT.readTree(parser);
                if (!node.isObject()) {
                    bad.report(line, "expected a JSON object, found " + describe(node));
                    continue;
                }
                out.add(new Entry(line, node));
            }
        } catch (JsonProcessingException e) {
            // inside one array a syntax error leaves no way to find the next object: stop even under SKIP
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ModelFileException(file, "line " + line + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        return out;
    }

    private static void skipByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') reader.reset();
    }

    private static boolean startsWithArray(BufferedReader reader) throws IOException {
        reader.mark(1 << 16);
        int c;
        int seen = 0;
        do {
            c = reader.read();
            seen++;
        } while (c != -1 && Character.isWhitespace(c) && seen < (1 << 16) - 1);
        reader.reset();
        return c == '[';
    }
}

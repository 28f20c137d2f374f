package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated example before the filters: a text, and a second text for sentence pairs. Whitespace runs are one
 * space, so every format (TSV has no quoting) holds it on one line.
 */
public record Candidate(String text, String textPair) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Collapses every whitespace run of the texts to one space and strips them.
     *
     * @param text     the text
     * @param textPair the second text of a pair, or null
     */
    public Candidate {
        text = clean(text);
        textPair = textPair == null ? null : clean(textPair);
    }

    private static String clean(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    /**
     * The examples of a reply that should be a JSON list of strings (or of {@code {"text", "text_pair"}} objects for
     * pairs), perhaps in a Markdown code fence or wrapped in an object such as {@code {"examples": [...]}}. Entries
     * that are blank or of the wrong shape are left out.
     *
     * @throws IllegalArgumentException naming what is wrong when the reply holds no such list at all
     */
    static List<Candidate> parse(String reply, boolean pairs) {
        int open = reply.indexOf('['), close = reply.lastIndexOf(']');
        JsonNode list = null;
        if (open >= 0 && close > open) {
            try {
                list = JSON.readTree(reply.substring(open, close + 1));
            } catch (IOException e) {
                list = null;
            }
        }
        if (list == null) {
            int brace = reply.indexOf('{'), end = reply.lastIndexOf('}');
            if (brace >= 0 && end > brace) {
                try {
                    JsonNode o = JSON.readTree(reply.substring(brace, end + 1));
                    for (JsonNode v : o) if (v.isArray()) list = v;
                } catch (IOException e) {
                    list = null;
                }
            }
        }
        if (list == null || !list.isArray()) throw new IllegalArgumentException("no JSON list in the reply");
        List<Candidate> out = new ArrayList<>();
        for (JsonNode e : list) {
            if (pairs) {
                JsonNode a = e.path("text"), b = e.has("text_pair") ? e.path("text_pair") : e.path("pair");
                if (a.isTextual() && b.isTextual() && !a.asText().isBlank() && !b.asText().isBlank()) out.add(new Candidate(a.asText(), b.asText()));
            } else if (e.isTextual() && !e.asText().isBlank()) {
                out.add(new Candidate(e.asText(), null));
            } else if (e.path("text").isTextual() && !e.path("text").asText().isBlank()) {
                out.add(new Candidate(e.path("text").asText(), null));
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("the reply's JSON list holds no usable " + (pairs ? "{text, text_pair} objects" : "strings"));
        return out;
    }
}

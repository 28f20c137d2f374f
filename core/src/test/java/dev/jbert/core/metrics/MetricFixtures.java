package dev.jbert.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Test resources under {@code src/test/resources/metrics}, whose expected values come from scikit-learn and
 * conlleval.pl (see the README there).
 */
final class MetricFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricFixtures() {
    }

    static JsonNode json(String name) {
        try (InputStream in = MetricFixtures.class.getResourceAsStream("/metrics/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource metrics/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static int[][] intRows(JsonNode rows) {
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(rows.get(i));
        }
        return out;
    }

    static List<List<String>> sentences(JsonNode array) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode sentence : array) {
            List<String> tags = new ArrayList<>();
            sentence.forEach(tag -> tags.add(tag.asText()));
            out.add(tags);
        }
        return out;
    }
}

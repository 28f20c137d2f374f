package dev.jbert.core.imbalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Test resources under {@code src/test/resources/imbalance}, whose expected values come from the independent reference. */
final class ImbalanceFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImbalanceFixtures() {
    }

    static JsonNode json(String name) {
        try (InputStream in = ImbalanceFixtures.class.getResourceAsStream("/imbalance/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource imbalance/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).longValue();
        }
        return out;
    }

    /** Labels with {@code counts[c]} examples of class c, classes interleaved so that order carries no class. */
    static int[] labels(int... counts) {
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        int[] labels = new int[total];
        int[] left = counts.clone();
        for (int i = 0; i < total; ) {
            for (int c = 0; c < left.length; c++) {
                if (left[c] > 0) {
                    labels[i++] = c;
                    left[c]--;
                }
            }
        }
        return labels;
    }
}

package dev.jbert.heads.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.testdata.Fixtures;

import java.util.ArrayList;
import java.util.List;

/** The fixtures' reference.json: transformers' inputs and logits, and functions derived from them alone. */
final class Reference {

    private Reference() {
    }

    static JsonNode of(String fixture) {
        return Fixtures.reference(fixture);
    }

    /**
     * The length the fixture's inputs were padded and truncated to (longest_first): the model is loaded with that
     * limit, so it truncates as the reference did.
     */
    static int maxLength(String fixture) {
        JsonNode ref = of(fixture);
        return Fixtures.paddedLength(ref.has("inputs") ? ref.get("inputs") : ref.get("inputs_continuation_I"));
    }

    static TextClassifier load(String fixture) {
        return TextClassifier.load(Fixtures.folder(fixture), InferenceOptions.defaults().withMaxLength(maxLength(fixture)));
    }

    static List<String> texts(JsonNode reference) {
        List<String> out = new ArrayList<>();
        for (JsonNode input : reference.get("inputs")) out.add(input.get("text").asText());
        return out;
    }

    /** The second text of input i, or null. */
    static String pair(JsonNode reference, int i) {
        JsonNode p = reference.get("inputs").get(i).get("text_pair");
        return p == null || p.isNull() ? null : p.asText();
    }

    static double[] row(JsonNode rows, int i) {
        return Fixtures.flatten(rows.get(i));
    }

    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) max = Math.max(max, x);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

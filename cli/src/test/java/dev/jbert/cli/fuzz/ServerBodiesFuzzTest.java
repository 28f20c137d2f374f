package dev.jbert.cli.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.serve.InferenceApi;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.testdata.Fixtures;

import java.io.IOException;
import java.util.Set;

/**
 * Any body sent to {@code POST /classify} or {@code POST /entities}, of a sequence model (which takes pairs) or a
 * token model, is answered with 200 and JSON, or 400 (or 503) and a JSON error that says why: never a 500, which
 * would mean an exception the API did not expect. The model and the route come from the input's last two bytes
 * (the seeds end in them), the body from the rest.
 */
class ServerBodiesFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> ANSWERS = Set.of(200, 400, 503);
    private static final InferenceApi SEQUENCE = new InferenceApi(TextClassifier.load(Fixtures.folder("seq-cls")));
    private static final InferenceApi TOKENS = new InferenceApi(TextClassifier.load(Fixtures.folder("token-cls")));

    @FuzzTest(maxDuration = "10m")
    void requestBody(FuzzedDataProvider data) throws IOException {
        InferenceApi api = data.consumeBoolean() ? SEQUENCE : TOKENS;
        String route = data.consumeBoolean() ? "/classify" : "/entities";
        InferenceApi.Reply reply = api.handle("POST", route, data.consumeRemainingAsBytes());
        if (!ANSWERS.contains(reply.status())) {
            throw new AssertionError("POST " + route + " answered " + reply.status() + ": " + reply.body());
        }
        JsonNode body = JSON.readTree(reply.body());
        if (reply.status() != 200 && (!body.path("error").isTextual() || body.path("error").asText().isBlank())) {
            throw new AssertionError("an error without a reason: " + reply.body());
        }
    }
}

package dev.jbert.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jbert serve} on every family's fixture classifiers: {@code /model} names the family, {@code /classify}
 * answers as the library does in-process, {@code /entities} finds entities with the token classifier.
 */
class FamilyServeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String TEXT = "The café's new menu is surprisingly good , says Peter Blackburn in Zürich .";

    @ParameterizedTest
    @ValueSource(strings = {"distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert"})
    void everyFamilyServes(String family) throws Exception {
        try (TextClassifier sequences = TextClassifier.load(Fixtures.folder("families/" + family + "/seq-cls"));
             TextClassifier tokens = TextClassifier.load(Fixtures.folder("families/" + family + "/token-cls"));
             InferenceServer sequenceServer = InferenceServer.start(sequences, "127.0.0.1", 0);
             InferenceServer tokenServer = InferenceServer.start(tokens, "127.0.0.1", 0)) {
            JsonNode model = get(sequenceServer.uri().resolve("/model"));
            assertEquals(family, model.get("config").get("model_type").asText());

            JsonNode answer = post(sequenceServer.uri().resolve("/classify"), JSON.createObjectNode().put("text", TEXT).toString());
            Classification.SingleLabel local = (Classification.SingleLabel) sequences.classify(TEXT);
            assertEquals(local.label(), answer.get("label").asText());
            local.probabilities().forEach((label, p) ->
                    assertEquals(p, answer.get("probabilities").get(label).asDouble(), 1e-9, family + " " + label));

            JsonNode entities = post(tokenServer.uri().resolve("/entities"),
                    JSON.createObjectNode().put("text", TEXT).put("aggregation", "none").toString());
            assertTrue(entities.get("entities").isArray(), entities.toString());
            for (JsonNode e : entities.get("entities")) {
                int start = e.get("start").asInt(), end = e.get("end").asInt();
                assertTrue(0 <= start && start < end && end <= TEXT.length(), family + ": entity span " + e);
            }
        }
    }

    private static JsonNode get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private static JsonNode post(URI uri, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}

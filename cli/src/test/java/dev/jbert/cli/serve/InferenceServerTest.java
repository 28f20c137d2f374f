package dev.jbert.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Main;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jbert serve}'s HTTP API on the fixture models, on free ports of 127.0.0.1: the routes, every error
 * status, and that no bad request stops the server from answering the next good one.
 */
class InferenceServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static TextClassifier sequenceModel;
    private static TextClassifier tokenModel;
    private static InferenceServer sequence;
    private static InferenceServer tokens;

    @BeforeAll
    static void start() {
        sequenceModel = TextClassifier.load(Fixtures.folder("seq-cls"));
        tokenModel = TextClassifier.load(Fixtures.folder("token-cls"));
        sequence = InferenceServer.start(sequenceModel, "127.0.0.1", 0);
        tokens = InferenceServer.start(tokenModel, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (sequence != null) sequence.close();
        if (tokens != null) tokens.close();
        if (sequenceModel != null) sequenceModel.close();
        if (tokenModel != null) tokenModel.close();
    }

    /** A status and the parsed JSON body. */
    private record Answer(int status, JsonNode json, HttpResponse<String> raw) {
    }

    private static Answer get(InferenceServer server, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
    }

    private static Answer post(InferenceServer server, String path, String body) throws IOException, InterruptedException {
        return post(server, path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Answer post(InferenceServer server, String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.toString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()), response);
    }

    @Test
    void listensOnTheLoopbackInterface() {
        assertEquals("127.0.0.1", sequence.uri().getHost());
        assertTrue(sequence.port() > 0);
    }

    @Test
    void healthAndModelDescribeTheServer() throws Exception {
        Answer health = get(sequence, "/health");
        assertEquals(200, health.status);
        assertEquals("ok", health.json.get("status").asText());

        Answer model = get(sequence, "/model");
        assertEquals(200, model.status);
        assertEquals("single_label", model.json.get("task").asText());
        assertEquals(Fixtures.labels("seq-cls"), strings(model.json.get("labels")));
        assertEquals(Fixtures.maxLength("seq-cls"), model.json.get("max_length").asInt());
        assertEquals(Fixtures.config("seq-cls").get("hidden_size").asInt(), model.json.get("config").get("hidden_size").asInt());
        assertEquals(InferenceOptions.defaults().maxBatchSize(), model.json.get("batching").get("max_batch_size").asInt());
        assertTrue(model.json.get("accepts_pairs").asBoolean());

        Answer tokenModel = get(tokens, "/model");
        assertEquals("token_classification", tokenModel.json.get("task").asText());
        assertEquals(Fixtures.labels("token-cls"), strings(tokenModel.json.get("labels")));
    }

    @Test
    void classifiesTextsAsTransformersDoes() throws Exception {
        JsonNode ref = Fixtures.reference("seq-cls");
        JsonNode input = ref.get("inputs").get(0);
        Answer one = post(sequence, "/classify", JSON.createObjectNode().put("text", input.get("text").asText()).put("logits", true).toString());
        assertEquals(200, one.status, one.json.toString());
        double[] logits = Fixtures.flatten(ref.get("logits").get(0));
        double[] expected = softmax(logits);
        List<String> labels = Fixtures.labels("seq-cls");
        for (int c = 0; c < labels.size(); c++) {
            assertEquals(expected[c], one.json.get("probabilities").get(labels.get(c)).asDouble(), 1e-5);
            assertEquals(logits[c], one.json.get("logits").get(c).asDouble(), 1e-5);
        }
        assertFalse(one.json.get("truncated").asBoolean());
        assertTrue(labels.contains(one.json.get("label").asText()));

        int pairIndex = 0;
        while (ref.get("inputs").get(pairIndex).get("text_pair").isNull()) pairIndex++;
        JsonNode pairInput = ref.get("inputs").get(pairIndex);
        Answer pair = post(sequence, "/classify", JSON.createObjectNode().put("text", pairInput.get("text").asText())
                .put("text_pair", pairInput.get("text_pair").asText()).toString());
        assertEquals(200, pair.status);
        double[] pairExpected = softmax(Fixtures.flatten(ref.get("logits").get(pairIndex)));
        for (int c = 0; c < labels.size(); c++) assertEquals(pairExpected[c], pair.json.get("probabilities").get(labels.get(c)).asDouble(), 1e-5);
        assertFalse(pair.json.has("logits"), "logits only when asked for");

        String overLong = "word ".repeat(Fixtures.maxLength("seq-cls"));
        Answer many = post(sequence, "/classify", "{\"texts\": [\"good\", \"bad\", \"" + overLong + "\"]}");
        assertEquals(200, many.status);
        assertEquals(3, many.json.get("results").size());
        assertTrue(many.json.get("results").get(2).get("truncated").asBoolean());

        Answer pairs = post(sequence, "/classify", "{\"texts\": [\"a\", \"b\"], \"text_pairs\": [\"c\", \"d\"]}");
        assertEquals(200, pairs.status);
        assertEquals(2, pairs.json.get("results").size());
    }

    @Test
    void findsEntitiesWithCharacterOffsets() throws Exception {
        // the token fixture's first sentence: transformers split its words into the tokens the reference lists, and
        // its first subwords' tags give the entity types that aggregation "first" finds
        JsonNode ref = Fixtures.reference("token-cls");
        JsonNode example = ref.get("inputs_continuation_I").get(0);
        String text = String.join(" ", strings(example.get("words")));
        int wordTokens = 0;
        for (JsonNode wordId : example.get("word_ids")) if (!wordId.isNull()) wordTokens++;
        Set<String> entityTypes = strings(ref.get("predicted_tags_first_subword").get(0)).stream().filter(tag -> !tag.equals("O"))
                .map(tag -> tag.substring(2)).collect(Collectors.toSet());
        Answer answer = post(tokens, "/entities", JSON.createObjectNode().put("text", text).put("aggregation", "first")
                .put("tokens", true).toString());
        assertEquals(200, answer.status, answer.json.toString());
        JsonNode entities = answer.json.get("entities");
        Set<String> found = new HashSet<>();
        for (JsonNode e : entities) {
            found.add(e.get("entity_group").asText());
            assertEquals(text.substring(e.get("start").asInt(), e.get("end").asInt()), e.get("word").asText());
        }
        assertEquals(entityTypes, found, entities.toString());
        assertEquals(wordTokens, answer.json.get("tokens").size(), "every token between [CLS] and [SEP]");

        Answer none = post(tokens, "/entities", "{\"texts\": [\"EU rejects\", \"German call\"], \"aggregation\": \"none\"}");
        assertEquals(200, none.status);
        assertEquals(2, none.json.get("results").size());
        for (JsonNode result : none.json.get("results")) for (JsonNode t : result.get("entities")) assertTrue(t.has("index"));
    }

    @Test
    void badRequestsGetAReasonAndTheServerKeepsAnswering() throws Exception {
        byte[] garbage = new byte[300];
        new Random(3).nextBytes(garbage);
        assertError(400, post(sequence, "/classify", garbage), "not valid JSON");
        assertError(400, post(sequence, "/classify", "{\"text\": "), "not valid JSON");
        assertError(400, post(sequence, "/classify", ""), "empty body");
        assertError(400, post(sequence, "/classify", "[\"a list\"]"), "expected a JSON object");
        assertError(400, post(sequence, "/classify", "{\"txt\": \"typo\"}"), "missing field 'text'");
        assertError(400, post(sequence, "/classify", "{\"text\": 42}"), "'text' must be a string");
        assertError(400, post(sequence, "/classify", "{\"text\": \"\"}"), "empty");
        assertError(400, post(sequence, "/classify", "{\"texts\": []}"), "is empty");
        assertError(400, post(sequence, "/classify", "{\"texts\": [\"a\", 1]}"), "'texts'[1] must be a string");
        assertError(400, post(sequence, "/classify", "{\"texts\": [\"a\"], \"text_pairs\": [\"b\", \"c\"]}"), "'text_pairs' has 2");
        assertError(400, post(sequence, "/classify", "{\"text\": \"a\", \"texts\": [\"b\"]}"), "not both");
        assertError(400, post(sequence, "/classify", "{\"text\": \"a\", \"logits\": \"yes\"}"), "true or false");
        assertError(400, post(sequence, "/entities", "{\"text\": \"Paris\"}"), "single_label model: POST /classify");
        assertError(400, post(tokens, "/classify", "{\"text\": \"Paris\"}"), "token_classification model: POST /entities");
        assertError(400, post(tokens, "/classify", "{\"text\": \"Paris\", \"text_pair\": \"London\"}"), "no text pair");
        assertError(400, post(tokens, "/entities", "{\"text\": \"Paris\", \"aggregation\": \"most\"}"), "unknown aggregation strategy");
        assertError(404, get(sequence, "/nowhere"), "no route GET /nowhere");
        assertError(405, get(sequence, "/classify"), "takes POST");
        assertError(405, post(sequence, "/health", "{}"), "takes GET");
        assertError(413, post(sequence, "/classify", new byte[InferenceServer.MAX_BODY_BYTES + 1]), "over");

        Answer good = post(sequence, "/classify", "{\"text\": \"still here\"}");
        assertEquals(200, good.status, "a good request after the bad ones: " + good.json);
        assertEquals(Fixtures.numLabels("seq-cls"), good.json.get("probabilities").size());
        assertEquals(200, get(tokens, "/health").status);
    }

    private static void assertError(int status, Answer answer, String reason) {
        assertEquals(status, answer.status, answer.json.toString());
        assertTrue(answer.json.get("error").asText().contains(reason), "'" + answer.json.get("error") + "' lacks '" + reason + "'");
    }

    @Test
    void concurrentClientsGetTheSameAnswersAsOneClient() throws Exception {
        List<String> texts = List.of("a wonderful film", "I hated every minute of it.", "fine, I guess", "the Senate passed it");
        List<JsonNode> alone = new ArrayList<>();
        for (String t : texts) alone.add(post(sequence, "/classify", JSON.createObjectNode().put("text", t).toString()).json);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < 8; r++) {
                        int which = (client + r) % texts.size();
                        Answer a = post(sequence, "/classify", JSON.createObjectNode().put("text", texts.get(which)).toString());
                        assertEquals(200, a.status, a.json.toString());
                        assertEquals(alone.get(which).get("label"), a.json.get("label"));
                        for (String label : Fixtures.labels("seq-cls")) {
                            assertEquals(alone.get(which).get("probabilities").get(label).asDouble(),
                                    a.json.get("probabilities").get(label).asDouble(), 1e-5);
                        }
                    }
                    return 8;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : futures) answered += f.get(5, TimeUnit.MINUTES);
            assertEquals(48, answered);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStoppedServerNoLongerListensAndLeavesTheModelOpen() throws Exception {
        InferenceServer extra = InferenceServer.start(sequenceModel, "127.0.0.1", 0);
        assertEquals(200, get(extra, "/health").status);
        extra.close();
        assertThrows(IOException.class, () -> get(extra, "/health"));
        assertFalse(sequenceModel.isClosed());
        assertEquals(200, get(sequence, "/health").status);
    }

    @Test
    void serveCommandRefusesWhatItCannotServe() {
        assertEquals(1, Main.run("serve", "--model", Fixtures.folder("base").toString(), "--port", "0"), "not a classifier");
        assertEquals(1, Main.run("serve", "--model", Fixtures.folder("seq-cls").resolve("missing").toString(), "--port", "0"));
        assertEquals(2, Main.run("serve", "--model", Fixtures.folder("seq-cls").toString(), "--aggregation", "most", "--port", "0"));
        assertEquals(1, Main.run("serve", "--model", Fixtures.folder("seq-cls").toString(), "--port", String.valueOf(sequence.port())),
                "the port is taken");
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) max = Math.max(max, x);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

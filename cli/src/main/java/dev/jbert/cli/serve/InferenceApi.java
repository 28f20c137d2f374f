package dev.jbert.cli.serve;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.Entities;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.InferenceStats;
import dev.jbert.heads.inference.ModelInfo;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.heads.inference.TextPair;
import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.Entity;
import dev.jbert.heads.predict.TokenPrediction;
import dev.jbert.heads.predict.TokenSpan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * The HTTP API of {@code jbert serve} as plain functions from (method, path, body) to a JSON reply, so that
 * the routes and their errors do not depend on the server library.
 *
 * <pre>
 * GET  /health    {"status": "ok"}
 * GET  /model     task, labels, length limit, thresholds, encoder shape, batching, counters
 * POST /classify  {"text": "...", "text_pair": "..."?}            one result
 *                 {"texts": ["...", ...], "text_pairs": [...]?}   {"results": [...]}
 *                 optional "logits": true adds the raw outputs
 * POST /entities  {"text": "..."} or {"texts": [...]}, optional "aggregation" (none, simple, first, average,
 *                 max) and "tokens": true for every token's label
 * </pre>
 *
 * <p>Every error is a JSON object {@code {"error": reason}}: 400 for bad JSON, a missing or mistyped field, a
 * text the model refuses (empty, a pair it does not take) or the route of another task; 404 for an unknown
 * route; 405 for a known route with another method; 413 for a body over the limit; 503 when the model's queue
 * is full (retry) or the model is closed; 500 for anything unexpected, which is logged.
 */
public final class InferenceApi {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A response: HTTP status and JSON body.
     *
     * @param retryAfterSeconds when positive, the seconds a client should wait before retrying (503)
     */
    public record Reply(int status, String body, int retryAfterSeconds) {
        static Reply ok(JsonNode json) {
            return new Reply(200, json.toString(), 0);
        }

        static Reply error(int status, String reason) {
            return new Reply(status, JSON.createObjectNode().put("error", reason).toString(), status == 503 ? 1 : 0);
        }
    }

    /** A request the client got wrong: answered with 400 and the reason. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String reason) {
            super(reason);
        }
    }

    private final TextClassifier classifier;

    public InferenceApi(TextClassifier classifier) {
        if (classifier == null) throw new IllegalArgumentException("classifier must not be null");
        this.classifier = classifier;
    }

    /** Answers one request; never throws. */
    public Reply handle(String method, String path, byte[] body) {
        try {
            return route(method, path, body);
        } catch (BadRequest | IllegalArgumentException e) {
            return Reply.error(400, e.getMessage());
        } catch (UnsupportedOperationException e) { // the route of another task
            boolean tokens = classifier.info().task() == Task.TOKEN_CLASSIFICATION;
            return Reply.error(400, "this is a " + classifier.info().task().name().toLowerCase(Locale.ROOT) + " model: "
                    + (tokens ? "POST /entities" : "POST /classify") + " instead");
        } catch (RejectedExecutionException e) {
            return Reply.error(503, e.getMessage());
        } catch (IllegalStateException e) {
            if (classifier.isClosed()) return Reply.error(503, "the model is shutting down");
            LOG.warn("{} {} failed", method, path, e);
            return Reply.error(500, "internal error: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} {} failed", method, path, e);
            return Reply.error(500, "internal error: " + e);
        }
    }

    private Reply route(String method, String path, byte[] body) {
        return switch (path) {
            case "/health" -> requireMethod("GET", method, path, () -> Reply.ok(JSON.createObjectNode().put("status", "ok")));
            case "/model" -> requireMethod("GET", method, path, () -> Reply.ok(model()));
            case "/classify" -> requireMethod("POST", method, path, () -> Reply.ok(classify(parse(body))));
            case "/entities" -> requireMethod("POST", method, path, () -> Reply.ok(entities(parse(body))));
            default -> Reply.error(404, "no route " + method + " " + path
                    + "; the routes are GET /health, GET /model, POST /classify, POST /entities");
        };
    }

    private static Reply requireMethod(String expected, String method, String path, java.util.function.Supplier<Reply> action) {
        if (!expected.equals(method)) return Reply.error(405, path + " takes " + expected + ", not " + method);
        return action.get();
    }

    // ---------------------------------------------------------------- routes

    private ObjectNode model() {
        ModelInfo info = classifier.info();
        InferenceOptions options = classifier.options();
        InferenceStats stats = classifier.stats();
        ObjectNode json = JSON.createObjectNode();
        json.put("model", info.folder().getFileName().toString());
        json.put("task", info.task().name().toLowerCase(Locale.ROOT));
        info.labels().forEach(json.putArray("labels")::add);
        json.put("accepts_pairs", info.acceptsPairs());
        json.put("max_length", info.maxLength());
        if (info.task() == Task.MULTI_LABEL) info.thresholds().forEach(json.putObject("thresholds")::put);
        if (info.task() == Task.TOKEN_CLASSIFICATION) json.put("aggregation", options.aggregation().cliName());
        json.putObject("config")
                .put("vocab_size", info.vocabSize())
                .put("hidden_size", info.hiddenSize())
                .put("num_hidden_layers", info.numHiddenLayers())
                .put("num_attention_heads", info.numAttentionHeads())
                .put("max_position_embeddings", info.maxPositionEmbeddings())
                .put("do_lower_case", info.lowerCase())
                .put("model_type", info.modelType());
        json.putObject("batching")
                .put("max_batch_size", options.maxBatchSize())
                .put("max_wait_ms", options.maxWait().toNanos() / 1e6)
                .put("queue_capacity", options.queueCapacity());
        json.putObject("stats")
                .put("texts", stats.texts())
                .put("batches", stats.batches())
                .put("largest_batch", stats.largestBatch())
                .put("queued", stats.queued())
                .put("rejected", stats.rejected());
        return json;
    }

    private JsonNode classify(ObjectNode request) {
        boolean logits = optionalBoolean(request, "logits");
        if (request.has("text")) {
            refuse(request, "texts", "text");
            refuse(request, "text_pairs", "text");
            String text = string(request, "text");
            JsonNode pair = request.get("text_pair");
            Classification c = pair == null || pair.isNull() ? classifier.classify(text) : classifier.classify(text, string(request, "text_pair"));
            return classification(c, logits);
        }
        if (request.has("texts")) {
            refuse(request, "text_pair", "texts");
            List<String> texts = strings(request, "texts");
            List<Classification> results;
            if (request.hasNonNull("text_pairs")) {
                List<String> pairs = strings(request, "text_pairs");
                if (pairs.size() != texts.size()) {
                    throw new BadRequest("'texts' has " + texts.size() + " entries but 'text_pairs' has " + pairs.size());
                }
                List<TextPair> both = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) both.add(new TextPair(texts.get(i), pairs.get(i)));
                results = classifier.classifyPairs(both);
            } else {
                results = classifier.classifyBatch(texts);
            }
            ObjectNode json = JSON.createObjectNode();
            ArrayNode array = json.putArray("results");
            for (Classification c : results) array.add(classification(c, logits));
            return json;
        }
        throw new BadRequest("missing field 'text': expected {\"text\": \"...\"} (optionally with \"text_pair\")"
                + " or {\"texts\": [\"...\", ...]}");
    }

    private JsonNode entities(ObjectNode request) {
        boolean tokens = optionalBoolean(request, "tokens");
        AggregationStrategy strategy = request.hasNonNull("aggregation")
                ? AggregationStrategy.parse(string(request, "aggregation"))
                : classifier.options().aggregation();
        if (request.has("text")) {
            refuse(request, "texts", "text");
            return entities(classifier.entities(string(request, "text"), strategy), tokens);
        }
        if (request.has("texts")) {
            ObjectNode json = JSON.createObjectNode();
            ArrayNode array = json.putArray("results");
            for (Entities e : classifier.entitiesBatch(strings(request, "texts"), strategy)) array.add(entities(e, tokens));
            return json;
        }
        throw new BadRequest("missing field 'text': expected {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}");
    }

    // ---------------------------------------------------------------- JSON out

    private static ObjectNode classification(Classification c, boolean logits) {
        ObjectNode json = JSON.createObjectNode();
        if (c instanceof Classification.SingleLabel s) {
            json.put("label", s.label()).put("score", s.score());
            putAll(json.putObject("probabilities"), s.probabilities());
        } else if (c instanceof Classification.MultiLabel m) {
            m.labels().forEach(json.putArray("labels")::add);
            putAll(json.putObject("probabilities"), m.probabilities());
            putAll(json.putObject("thresholds"), m.thresholds());
        } else {
            json.put("value", c.asRegression().value());
        }
        if (logits) c.logits().forEach(json.putArray("logits")::add);
        json.put("truncated", c.truncated());
        return json;
    }

    private static void putAll(ObjectNode json, Map<String, Double> values) {
        values.forEach(json::put);
    }

    /** transformers' pipeline field names: entity_group for entities, entity and index for tokens. */
    private static ObjectNode entities(Entities e, boolean tokens) {
        ObjectNode json = JSON.createObjectNode();
        ArrayNode spans = json.putArray("entities");
        for (TokenSpan span : e.entities()) spans.add(span(span));
        if (tokens) {
            ArrayNode all = json.putArray("tokens");
            for (TokenPrediction t : e.tokens()) all.add(span(t));
        }
        json.put("truncated", e.truncated());
        return json;
    }

    private static ObjectNode span(TokenSpan span) {
        ObjectNode json = JSON.createObjectNode();
        if (span instanceof Entity e) json.put("entity_group", e.entityGroup());
        if (span instanceof TokenPrediction t) json.put("entity", t.entity()).put("index", t.index());
        return json.put("score", span.score()).put("word", span.word()).put("start", span.start()).put("end", span.end());
    }

    // ---------------------------------------------------------------- JSON in

    private static ObjectNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new BadRequest("empty body: expected a JSON object such as {\"text\": \"...\"}");
        }
        JsonNode node;
        try {
            node = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("expected a JSON object such as {\"text\": \"...\"}, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    private static String string(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) throw new BadRequest("missing field '" + field + "'");
        if (!value.isTextual()) throw new BadRequest("'" + field + "' must be a string, got " + type(value));
        return value.asText();
    }

    private static List<String> strings(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || !value.isArray()) {
            throw new BadRequest("'" + field + "' must be an array of strings, got " + (value == null ? "nothing" : type(value)));
        }
        if (value.isEmpty()) throw new BadRequest("'" + field + "' is empty: give at least one text");
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode v = value.get(i);
            if (!v.isTextual()) throw new BadRequest("'" + field + "'[" + i + "] must be a string, got " + type(v));
            out.add(v.asText());
        }
        return out;
    }

    private static boolean optionalBoolean(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) return false;
        if (!value.isBoolean()) throw new BadRequest("'" + field + "' must be true or false, got " + type(value));
        return value.asBoolean();
    }

    private static void refuse(ObjectNode request, String field, String with) {
        if (request.has(field)) throw new BadRequest("give either '" + with + "' or '" + field + "', not both");
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}

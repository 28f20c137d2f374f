package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} endpoint (llama.cpp's server, vLLM, Ollama, LM Studio, TGI, a
 * gateway): one request per call, retried with exponential backoff on 429 and 5xx (honouring {@code Retry-After}),
 * on timeouts and on dropped connections. The API key goes only into the {@code Authorization} header; it is never
 * logged, and {@link #toString()} leaves it out. Thread-safe: calls may run concurrently.
 */
public final class ChatEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private final URI uri;
    private final String model;
    private final String apiKey;
    private final Duration readTimeout;
    private final int maxRetries;
    private final Duration firstBackoff;
    private final HttpClient http;

    /**
     * An endpoint with its retry policy; nothing is sent until the first call.
     *
     * @param endpoint       the server's base URL ({@code http://host:8080}), its {@code /v1}, or the full
     *                       {@code /v1/chat/completions} URL
     * @param model          the server's name for the LLM, sent as {@code model}
     * @param apiKey         the bearer key, or null for a server without one
     * @param connectTimeout how long to wait for a connection
     * @param readTimeout    how long to wait for a reply to one request
     * @param maxRetries     retries after the first attempt of a request
     * @param firstBackoff   the wait before the first retry, doubled for each next one (unless the server says)
     * @throws IllegalArgumentException if the URL is not http(s) with a host, the model is blank or retries are
     *                                  negative
     */
    public ChatEndpoint(URI endpoint, String model, String apiKey, Duration connectTimeout, Duration readTimeout,
                        int maxRetries, Duration firstBackoff) {
        if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the endpoint must be an http:// or https:// URL with a host, got '" + endpoint + "'");
        }
        if (model == null || model.isBlank()) throw new IllegalArgumentException("a model name is needed (the server's name for the LLM)");
        if (maxRetries < 0) throw new IllegalArgumentException("retries must be 0 or more, got " + maxRetries);
        this.uri = completionsUri(endpoint);
        this.model = model;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.readTimeout = readTimeout;
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    static URI completionsUri(URI endpoint) {
        String s = endpoint.toString().replaceAll("/+$", "");
        if (s.endsWith("/chat/completions")) return URI.create(s);
        if (s.endsWith("/v1")) return URI.create(s + "/chat/completions");
        return URI.create(s + "/v1/chat/completions");
    }

    /**
     * The host the requests go to, for provenance.
     *
     * @return the host, with the port when the URL names one
     */
    public String host() {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    /**
     * The server's name for the LLM.
     *
     * @return the model name
     */
    public String model() {
        return model;
    }

    /** What one call got back: the reply's text, or why there is none, and how many attempts it took. */
    public record Reply(String content, String failure, int attempts) {

        /**
         * Whether the call got text.
         *
         * @return true when there is no failure
         */
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * One chat completion of {@code system} and {@code user} messages. A reply the server gave but that holds no text
     * (no choices, no content, not JSON) is a failed {@link Reply}, not retried: the request itself was served.
     *
     * @param system      the system message
     * @param user        the user message
     * @param temperature the sampling temperature
     * @param seed        the sampling seed, for servers that honour it
     * @return the reply, or the failure after the last attempt
     * @throws EndpointException when the server refuses the request itself (401, 403, 404, 400...), which no retry mends
     * @throws InterruptedException if interrupted while waiting
     */
    public Reply complete(String system, String user, double temperature, long seed) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        body.put("temperature", temperature);
        body.put("seed", seed);
        body.put("stream", false);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(readTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        String last = null;
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) return parse(response.body(), attempt);
                if (status != 429 && status / 100 != 5) {
                    throw new EndpointException(uri + " refused the request with HTTP " + status + refusal(status)
                            + ": " + abbreviate(response.body()));
                }
                last = "HTTP " + status;
                wait = retryAfter(response).orElse(backoff(attempt));
            } catch (HttpTimeoutException e) {
                last = "no reply within " + readTimeout.toSeconds() + " s";
                wait = backoff(attempt);
            } catch (IOException e) {
                last = "connection failed (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                wait = backoff(attempt);
            }
            if (attempt > maxRetries) return new Reply(null, last + " after " + attempt + " attempts", attempt);
            Thread.sleep(wait.toMillis());
        }
    }

    private static String refusal(int status) {
        return switch (status) {
            case 401, 403 -> " (the API key is missing or wrong: pass it with --api-key-env or --api-key-file)";
            case 404 -> " (no such path or model: check --endpoint and --model)";
            default -> "";
        };
    }

    private static Reply parse(String body, int attempts) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return new Reply(null, "the reply is not JSON", attempts);
        }
        JsonNode choices = root == null ? null : root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return new Reply(null, "the reply has no choices", attempts);
        JsonNode content = choices.get(0).path("message").path("content");
        if (!content.isTextual() || content.asText().isBlank()) return new Reply(null, "the reply's message has no content", attempts);
        return new Reply(content.asText(), null, attempts);
    }

    private java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip())));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
                    return until.isNegative() ? Duration.ZERO : until;
                } catch (DateTimeParseException notADate) {
                    return null;
                }
            }
        }).map(d -> d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d);
    }

    private Duration backoff(int attempt) {
        Duration d = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
        return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() <= 300 ? one : one.substring(0, 300) + "...";
    }

    @Override
    public String toString() {
        return "ChatEndpoint[" + uri + ", model " + model + (apiKey == null ? "" : ", with an API key") + "]";
    }

    /** The server refused a request in a way no retry mends. */
    public static final class EndpointException extends RuntimeException {
        /**
         * An exception with a message saying what the server answered.
         *
         * @param message the message
         */
        public EndpointException(String message) {
            super(message);
        }
    }
}

package dev.jbert.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An in-process server speaking the OpenAI chat-completions schema on {@code /v1/chat/completions}, for the augment
 * tests: each request takes the next scripted {@link Step} (a canned reply, malformed JSON, no choices, an HTTP
 * status with or without {@code Retry-After}, a reply slower than the client's timeout, a dropped connection), and
 * once the script is used up answers with fresh examples made of random words, so they are neither duplicates nor
 * near duplicates of each other. Records every request body and authorization header.
 */
public final class FakeChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("win prize cash claim now call free text reply stop urgent offer mobile week ringtone "
            + "voucher entry draw chance guaranteed award line network customer service camera video update tone rate contact "
            + "bonus cost tickets holiday weekly member club code account delivery latest orange nokia credit points").split(" ");

    /** What the server does with one request. */
    public record Step(int status, String body, String retryAfter, long delayMillis, boolean drop) {

        /** A 200 whose message content is {@code content}. */
        public static Step content(String content) {
            return new Step(200, completion(content), null, 0, false);
        }

        /** A 200 whose body is {@code body} as it is. */
        public static Step raw(String body) {
            return new Step(200, body, null, 0, false);
        }

        public static Step status(int status, String retryAfter) {
            return new Step(status, "{\"error\": {\"message\": \"scripted " + status + "\"}}", retryAfter, 0, false);
        }

        /** A good reply of {@code examples}, after {@code millis}. */
        public static Step slow(long millis, List<String> examples) {
            return new Step(200, completion(list(examples)), null, millis, false);
        }

        /** Closes the connection without any reply. */
        public static Step dropped() {
            return new Step(0, null, null, 0, true);
        }
    }

    private final HttpServer server;
    private final Deque<Step> script = new ArrayDeque<>();
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final Random random = new Random(7);
    private Function<JsonNode, String> generator = this::freshExamples;

    public FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-chat-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Queues steps for the next requests. */
    public synchronized FakeChatServer then(Step... steps) {
        script.addAll(List.of(steps));
        return this;
    }

    /** Once the script is used up, replies with the content this makes of the request (default: fresh examples). */
    public synchronized FakeChatServer answering(Function<JsonNode, String> contentOfRequest) {
        this.generator = contentOfRequest;
        return this;
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The Authorization header of each request, null where there was none. */
    public List<String> authorizations() {
        synchronized (authorizations) {
            return new ArrayList<>(authorizations);
        }
    }

    /** A chat-completions body whose first choice's message is {@code content}. */
    public static String completion(String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-test");
        root.put("object", "chat.completion");
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        return root.toString();
    }

    /** {@code examples} as the JSON list a model is asked for. */
    public static String list(List<String> examples) {
        return JSON.valueToTree(examples).toString();
    }

    private String freshExamples(JsonNode request) {
        String user = request.path("messages").path(1).path("content").asText();
        int count = 10;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Write (\\d+) new").matcher(user);
        if (m.find()) count = Integer.parseInt(m.group(1));
        List<String> out = new ArrayList<>();
        synchronized (random) {
            for (int i = 0; i < count; i++) {
                StringBuilder s = new StringBuilder();
                for (int w = 0; w < 12; w++) s.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                out.add(s + " " + random.nextInt(1_000_000));
            }
        }
        return list(out);
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(body);
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Step step;
        Function<JsonNode, String> make;
        synchronized (this) {
            step = script.poll();
            make = generator;
        }
        if (step == null) step = Step.content(make.apply(body));
        if (step.drop()) {
            exchange.close();
            return;
        }
        if (step.delayMillis() > 0) {
            try {
                Thread.sleep(step.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = step.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (step.retryAfter() != null) exchange.getResponseHeaders().set("Retry-After", step.retryAfter());
        try {
            exchange.sendResponseHeaders(step.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

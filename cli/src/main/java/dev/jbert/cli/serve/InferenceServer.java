package dev.jbert.cli.serve;

import dev.jbert.heads.inference.TextClassifier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * {@link InferenceApi} over HTTP/1.1 with Jetty's core server (no servlet layer): one connector on the given
 * host and port, request bodies up to {@link #MAX_BODY_BYTES}, JSON replies. Handler threads block while the
 * model works; the model's own bounded queue, not Jetty, decides when to refuse (503).
 *
 * <p>A connection idle for the {@link Settings#idleTimeout} (headers or body that stop arriving, a client that
 * never reads) is closed, so slow clients cannot hold handler threads. With an API key every route but
 * {@code GET /health} needs {@code Authorization: Bearer <key>} (401 otherwise). Closing the server is graceful:
 * requests in progress finish (up to {@link Settings#stopTimeout}), new ones get 503.
 *
 * <pre>{@code
 * try (TextClassifier model = TextClassifier.load(dir);
 *      InferenceServer server = InferenceServer.start(model, "127.0.0.1", 8080)) {
 *     server.join();
 * }
 * }</pre>
 */
public final class InferenceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    /** The largest request body accepted: about a thousand paragraphs of text. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** The most of an oversized body read and dropped before refusing it; beyond this the connection is just closed. */
    private static final long DRAIN_LIMIT = 16L << 20;
    /** Handler threads: enough to keep a full batch queued on 2 cores, few enough to bound memory. */
    private static final int MAX_THREADS = 64;

    /**
     * How the server treats its clients.
     *
     * @param apiKey      the bearer token every route but {@code GET /health} requires, or null for none
     * @param idleTimeout how long a connection may sit without progress before it is closed
     * @param stopTimeout how long closing waits for requests in progress
     */
    public record Settings(String apiKey, Duration idleTimeout, Duration stopTimeout) {

        public Settings {
            if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("an API key must not be blank");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("the idle timeout must be positive");
            if (stopTimeout.isNegative()) throw new IllegalArgumentException("the stop timeout must not be negative");
        }

        /** No key, 30 s idle timeout, 30 s for requests in progress at shutdown. */
        public static Settings defaults() {
            return new Settings(null, Duration.ofSeconds(30), Duration.ofSeconds(30));
        }

        public Settings withApiKey(String key) {
            return new Settings(key, idleTimeout, stopTimeout);
        }

        public Settings withIdleTimeout(Duration timeout) {
            return new Settings(apiKey, timeout, stopTimeout);
        }
    }

    private final Server server;
    private final String host;
    private final int port;

    private InferenceServer(Server server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts serving {@code classifier}; it is not closed with the server.
     *
     * @param host the interface to listen on: {@code 127.0.0.1} for this machine only, {@code 0.0.0.0} for all
     * @param port the port, or 0 for any free one ({@link #port()} tells which)
     * @throws IllegalStateException when the port cannot be opened (in use, not permitted)
     */
    public static InferenceServer start(TextClassifier classifier, String host, int port) {
        return start(classifier, host, port, Settings.defaults());
    }

    /** As {@link #start(TextClassifier, String, int)}, with these settings. */
    public static InferenceServer start(TextClassifier classifier, String host, int port, Settings settings) {
        InferenceApi api = new InferenceApi(classifier);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("jbert-http");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1); // one acceptor, one selector
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new JsonHandler(api, settings.apiKey())));
        server.setStopTimeout(settings.stopTimeout().toMillis());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing was serving
            }
            throw new IllegalStateException("cannot serve on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        InferenceServer s = new InferenceServer(server, host, connector.getLocalPort());
        LOG.info("serving {} at {}", classifier.info().folder().getFileName(), s.uri());
        return s;
    }

    /** The port listened on (the one chosen, for port 0). */
    public int port() {
        return port;
    }

    /** The base address, such as {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port);
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops listening and ends the handler threads, letting requests in progress finish first. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
    }

    /** Reads the body (bounded), asks the API, writes its JSON; a failure of one request never reaches Jetty. */
    private static final class JsonHandler extends Handler.Abstract {

        private final InferenceApi api;
        private final byte[] bearer;              // "Bearer <key>" as bytes, or null without a key

        JsonHandler(InferenceApi api, String apiKey) {
            super(InvocationType.BLOCKING);
            this.api = api;
            this.bearer = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        }

        /** Whether the request may proceed: no key is set, it is the health probe, or it carries the key. */
        private boolean authorized(Request request) {
            if (bearer == null) return true;
            if ("GET".equals(request.getMethod()) && "/health".equals(Request.getPathInContext(request))) return true;
            String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            // constant time, so the comparison does not tell how much of a guess was right
            return given != null && MessageDigest.isEqual(bearer, given.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            InferenceApi.Reply reply;
            if (authorized(request)) {
                reply = answer(request);
            } else {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                reply = InferenceApi.Reply.error(401, "this server needs an API key: send 'Authorization: Bearer <key>'");
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            if (reply.retryAfterSeconds() > 0) response.getHeaders().put(HttpHeader.RETRY_AFTER, reply.retryAfterSeconds());
            Content.Sink.write(response, true, reply.body(), callback);
            return true;
        }

        private InferenceApi.Reply answer(Request request) {
            try {
                byte[] body = readBody(request);
                return body == null
                        ? InferenceApi.Reply.error(413, "the body is over " + MAX_BODY_BYTES + " bytes: send fewer texts per request")
                        : api.handle(request.getMethod(), Request.getPathInContext(request), body);
            } catch (IOException e) {
                return InferenceApi.Reply.error(400, "cannot read the request body: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("request failed", e);
                return InferenceApi.Reply.error(500, "internal error: " + e);
            }
        }

        /**
         * The body, or null when it is over the limit. An oversized body is read and dropped (up to
         * {@link #DRAIN_LIMIT}) before the 413 goes out: a server that answers while the client is still sending
         * closes the connection under it, and the client then sees a reset instead of the reason.
         */
        private static byte[] readBody(Request request) throws IOException {
            long declared = request.getLength();
            try (InputStream in = Content.Source.asInputStream(request)) {
                if (declared > MAX_BODY_BYTES) {
                    if (declared <= DRAIN_LIMIT) in.skipNBytes(declared);
                    return null;
                }
                byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
                if (body.length <= MAX_BODY_BYTES) return body;
                drain(in);
                return null;
            }
        }

        private static void drain(InputStream in) throws IOException {
            long dropped = 0;
            while (dropped < DRAIN_LIMIT) {
                long n = in.skip(DRAIN_LIMIT - dropped);
                if (n <= 0 && in.read() < 0) return;
                dropped += Math.max(n, 1);
            }
        }
    }
}

package dev.jbert.cli.serve;

import dev.jbert.heads.inference.TextClassifier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link InferenceApi} over HTTP/1.1 with Jetty's core server (no servlet layer): one connector on the given
 * host and port, request bodies up to {@link #MAX_BODY_BYTES}, JSON replies. Handler threads block while the
 * model works; the model's own bounded queue, not Jetty, decides when to refuse (503).
 *
 * <p>Slow clients cannot hold handler threads or connections: a connection idle for the {@link Settings#idleTimeout}
 * is closed, a new one must deliver its first headers within the {@link Settings#headerTimeout} however they trickle
 * in, a body that arrives slower than {@link Settings#minBodyRate} is abandoned with 408, and at most
 * {@value #MAX_CONNECTIONS} connections are open at once. With an API key every route but
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
    /** Open connections beyond which new ones wait to be accepted, so that idle or slow clients cannot exhaust file handles. */
    private static final int MAX_CONNECTIONS = 1024;

    /**
     * How the server treats its clients.
     *
     * @param apiKey        the bearer token every route but {@code GET /health} requires, or null for none
     * @param idleTimeout   how long a connection may sit without progress before it is closed
     * @param headerTimeout how long a new connection has to deliver its first request's headers, however slowly
     *                      they trickle in (each byte would restart the idle timeout)
     * @param minBodyRate   bytes per second below which a request body's upload is abandoned (408), after 2 s; 0 for none
     * @param stopTimeout   how long closing waits for requests in progress
     */
    public record Settings(String apiKey, Duration idleTimeout, Duration headerTimeout, long minBodyRate, Duration stopTimeout) {

        public Settings {
            if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("an API key must not be blank");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("the idle timeout must be positive");
            if (headerTimeout.isNegative() || headerTimeout.isZero()) throw new IllegalArgumentException("the header timeout must be positive");
            if (minBodyRate < 0) throw new IllegalArgumentException("the minimum body rate must not be negative");
            if (stopTimeout.isNegative()) throw new IllegalArgumentException("the stop timeout must not be negative");
        }

        /** No key, 30 s idle timeout, 10 s for the first headers, bodies at 1 KiB/s or faster, 30 s to finish at shutdown. */
        public static Settings defaults() {
            return new Settings(null, Duration.ofSeconds(30), Duration.ofSeconds(10), 1024, Duration.ofSeconds(30));
        }

        public Settings withApiKey(String key) {
            return new Settings(key, idleTimeout, headerTimeout, minBodyRate, stopTimeout);
        }

        public Settings withIdleTimeout(Duration timeout) {
            return new Settings(apiKey, timeout, headerTimeout, minBodyRate, stopTimeout);
        }

        public Settings withHeaderTimeout(Duration timeout) {
            return new Settings(apiKey, idleTimeout, timeout, minBodyRate, stopTimeout);
        }

        public Settings withMinBodyRate(long bytesPerSecond) {
            return new Settings(apiKey, idleTimeout, headerTimeout, bytesPerSecond, stopTimeout);
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
        HeaderDeadline headerDeadline = new HeaderDeadline(connector, settings.headerTimeout());
        connector.addEventListener(headerDeadline);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setHandler(new GracefulHandler(new JsonHandler(api, settings.apiKey(), settings.minBodyRate(), headerDeadline)));
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
        private final long minBodyRate;
        private final HeaderDeadline headerDeadline;

        JsonHandler(InferenceApi api, String apiKey, long minBodyRate, HeaderDeadline headerDeadline) {
            super(InvocationType.BLOCKING);
            this.minBodyRate = minBodyRate;
            this.api = api;
            this.bearer = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
            this.headerDeadline = headerDeadline;
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
            headerDeadline.met(request.getConnectionMetaData().getConnection());
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
            if (reply.status() == 408) response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest of the body is not read
            Content.Sink.write(response, true, reply.body(), callback);
            return true;
        }

        private InferenceApi.Reply answer(Request request) {
            try {
                byte[] body = readBody(request, new BodyClock(minBodyRate));
                return body == null
                        ? InferenceApi.Reply.error(413, "the body is over " + MAX_BODY_BYTES + " bytes: send fewer texts per request")
                        : api.handle(request.getMethod(), Request.getPathInContext(request), body);
            } catch (SlowBody e) {
                return InferenceApi.Reply.error(408, e.getMessage());
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
        private static byte[] readBody(Request request, BodyClock clock) throws IOException {
            long declared = request.getLength();
            try (InputStream in = Content.Source.asInputStream(request)) {
                if (declared > MAX_BODY_BYTES) {
                    if (declared <= DRAIN_LIMIT) drain(in, declared, clock);
                    return null;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
                byte[] chunk = new byte[8192];
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    body.write(chunk, 0, n);
                    clock.received(n);
                    if (body.size() > MAX_BODY_BYTES) {
                        drain(in, DRAIN_LIMIT, clock);
                        return null;
                    }
                }
                return body.toByteArray();
            }
        }

        private static void drain(InputStream in, long limit, BodyClock clock) throws IOException {
            byte[] chunk = new byte[8192];
            long dropped = 0;
            for (int n; dropped < limit && (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - dropped))) >= 0; ) {
                dropped += n;
                clock.received(n);
            }
        }
    }

    /** A body that arrives slower than the minimum rate: answered with 408 and the connection closed. */
    private static final class SlowBody extends IOException {
        SlowBody(String message) {
            super(message);
        }
    }

    /**
     * Times a body's arrival. Each read returns as soon as a byte arrives, so a client trickling a byte at a time
     * would restart the idle timeout forever; this refuses it once the bytes fall behind the minimum rate, after a
     * grace period for the connection to get going.
     */
    private static final class BodyClock {

        private static final long GRACE_NANOS = 2_000_000_000L;

        private final long minRate;
        private final long started = System.nanoTime();
        private long bytes;

        BodyClock(long minRate) {
            this.minRate = minRate;
        }

        void received(int n) throws SlowBody {
            bytes += n;
            long late = System.nanoTime() - started - GRACE_NANOS;
            if (minRate > 0 && late > 0 && bytes < minRate * (late / 1e9)) {
                throw new SlowBody(String.format(Locale.ROOT, "the body arrived at %.0f bytes per second, below the minimum of %d: send it faster",
                        bytes / ((System.nanoTime() - started) / 1e9), minRate));
            }
        }
    }

    /**
     * Closes a connection whose first request's headers have not all arrived within the timeout. Jetty's idle
     * timeout restarts with every byte, so without this a client trickling a header a byte at a time would hold
     * its connection indefinitely.
     */
    private static final class HeaderDeadline implements Connection.Listener {

        private final ServerConnector connector;
        private final Duration timeout;
        private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

        HeaderDeadline(ServerConnector connector, Duration timeout) {
            this.connector = connector;
            this.timeout = timeout;
        }

        @Override
        public void onOpened(Connection connection) {
            pending.put(connection, connector.getScheduler().schedule(() -> {
                if (pending.remove(connection) != null) connection.close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS));
        }

        /** The connection has delivered a request's headers. */
        void met(Connection connection) {
            Scheduler.Task task = pending.remove(connection);
            if (task != null) task.cancel();
        }

        @Override
        public void onClosed(Connection connection) {
            met(connection);
        }
    }
}

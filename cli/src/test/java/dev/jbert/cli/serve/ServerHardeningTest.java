package dev.jbert.cli.serve;

import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server beyond localhost: the API key, connections that stall, and a graceful stop that lets requests in
 * progress finish.
 */
class ServerHardeningTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static TextClassifier model;

    @BeforeAll
    static void load() {
        model = TextClassifier.load(Fixtures.folder("seq-cls"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static HttpResponse<String> send(URI uri, String key, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1));
        if (key != null) r.header("Authorization", "Bearer " + key);
        r = body == null ? r.GET() : r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void anApiKeyGuardsEveryRouteButHealth() throws Exception {
        try (InferenceServer server = InferenceServer.start(model, "127.0.0.1", 0, InferenceServer.Settings.defaults().withApiKey("s3cret"))) {
            URI classify = server.uri().resolve("/classify");
            HttpResponse<String> none = send(classify, null, "{\"text\": \"fine\"}");
            assertEquals(401, none.statusCode());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            assertTrue(none.body().contains("API key"), none.body());
            assertEquals(401, send(classify, "s3cre", "{\"text\": \"fine\"}").statusCode());
            assertEquals(401, send(server.uri().resolve("/model"), "wrong", null).statusCode());
            assertEquals(200, send(classify, "s3cret", "{\"text\": \"fine\"}").statusCode());
            assertEquals(200, send(server.uri().resolve("/model"), "s3cret", null).statusCode());
            assertEquals(200, send(server.uri().resolve("/health"), null, null).statusCode(), "probes need no key");
        }
    }

    @Test
    void aConnectionThatStallsIsClosed() throws Exception {
        InferenceServer.Settings settings = InferenceServer.Settings.defaults().withIdleTimeout(Duration.ofSeconds(1));
        try (InferenceServer server = InferenceServer.start(model, "127.0.0.1", 0, settings);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // half a request's headers, then nothing: the server must not wait for the rest forever
            out.write("POST /classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // drain whatever the server says before it closes
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(seconds < 15, "the stalled connection was closed after " + seconds + " s");
            // and the server still answers others
            assertEquals(200, send(server.uri().resolve("/health"), null, null).statusCode());
        }
    }

    @Test
    void headersTrickledAByteAtATimeMeetTheHeaderTimeout() throws Exception {
        InferenceServer.Settings settings = InferenceServer.Settings.defaults().withIdleTimeout(Duration.ofSeconds(30))
                .withHeaderTimeout(Duration.ofSeconds(1));
        try (InferenceServer server = InferenceServer.start(model, "127.0.0.1", 0, settings);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            double seconds = trickle(socket, "POST /classify HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200));
            assertTrue(seconds < 10, "a trickling client kept its connection for " + seconds + " s, under a 30 s idle timeout");
            assertEquals(200, send(server.uri().resolve("/health"), null, null).statusCode());
        }
    }

    @Test
    void aBodyTrickledTooSlowlyIsAbandoned() throws Exception {
        InferenceServer.Settings settings = InferenceServer.Settings.defaults().withIdleTimeout(Duration.ofSeconds(30))
                .withMinBodyRate(1000);
        try (InferenceServer server = InferenceServer.start(model, "127.0.0.1", 0, settings);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String body = "{\"text\": \"" + "a".repeat(400) + "\"}";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            double seconds = trickle(socket, body);
            assertTrue(seconds < 10, "a body at 10 bytes/s held its connection for " + seconds + " s, under a 30 s idle timeout");
            assertEquals(200, send(server.uri().resolve("/health"), null, null).statusCode());
        }
    }

    /**
     * Sends {@code text} one byte per 100 ms until the server closes the connection (or the text ends), then reads
     * to the end; returns the seconds this took.
     */
    private static double trickle(Socket socket, String text) throws IOException {
        long started = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        try {
            for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException closedUnderUs) {
            // the server closed the connection: what the test waits for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // drain what the server said before closing
            }
        } catch (IOException reset) {
            // closed with unread input: a reset, as good as an end
        }
        return (System.nanoTime() - started) / 1e9;
    }

    @Test
    void stoppingLetsARequestInProgressFinishAndRefusesNewOnes() throws Exception {
        InferenceServer server = InferenceServer.start(model, "127.0.0.1", 0);
        URI classify = server.uri().resolve("/classify");
        StringBuilder texts = new StringBuilder("{\"texts\": [");
        for (int i = 0; i < 3000; i++) texts.append(i == 0 ? "" : ",").append("\"a sentence long enough to take the model some time, number ").append(i).append("\"");
        String body = texts.append("]}").toString();
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return send(classify, null, body);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!inFlight.isDone(), "the request should still be running when the stop begins");
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        HttpResponse<String> finished = inFlight.get();
        assertEquals(200, finished.statusCode(), finished.body());
        stopping.get();
        try {
            int status = send(server.uri().resolve("/health"), null, null).statusCode();
            assertEquals(503, status, "a request after the stop is refused");
        } catch (ConnectException refused) {
            // the connector is closed: refused before any request is read, which is as good
        }
    }
}

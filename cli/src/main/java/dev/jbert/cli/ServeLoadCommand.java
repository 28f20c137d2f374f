package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bench.InferenceBench;
import dev.jbert.bench.harness.HttpLoad;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.nn.Precision;
import dev.jbert.core.data.TextReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code jbert bench serve-load}: starts {@code jbert serve} as its own process, as a deployment runs it, drives it
 * from many concurrent clients over loopback for a bounded time, and reports throughput, p50/p99 latency, every
 * status seen, 503s without Retry-After, connection failures, the server's resident memory over the run, and how
 * the server stopped on SIGTERM.
 */
@Command(name = "serve-load", description = {
        "Load-test 'jbert serve': a server process on loopback, many closed-loop clients posting /classify for a bounded time.",
        "Reports requests/s, p50 and p99 latency, status counts (503 must carry Retry-After), failures and the server's resident memory."})
final class ServeLoadCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", description = "A classifier folder to serve (default: the built-in all-MiniLM-L6-v2 with a random 2-label head).")
    String model;

    @Option(names = "--clients", defaultValue = "64", description = "Concurrent clients. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds, after the warm-up. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--warmup-s", defaultValue = "10", description = "Seconds of load before measuring. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--queue-capacity", defaultValue = "1024",
            description = "The server's queue of texts; a small one puts it over capacity (503). Default: ${DEFAULT-VALUE}.")
    int queueCapacity;

    @Option(names = "--max-batch-size", defaultValue = "32", description = "The server's micro-batch limit. Default: ${DEFAULT-VALUE}.")
    int maxBatchSize;

    @Option(names = "--server-heap", defaultValue = "1g",
            description = "The server JVM's heap, fixed and touched up front (-Xms = -Xmx, -XX:+AlwaysPreTouch) as a deployment would run it, "
                    + "so that resident memory shows what the server does, not the heap growing into its limit. Default: ${DEFAULT-VALUE}.")
    String serverHeap;

    @Option(names = "--texts", defaultValue = "samples/sst2/dev.tsv", description = "TSV/CSV/JSONL of texts to send. Default: ${DEFAULT-VALUE}.")
    Path texts;

    @Option(names = "--url", description = "Load an already running server at this base address (say, http://127.0.0.1:8080) instead of starting one.")
    URI url;

    @Option(names = "--pid", description = "With --url: the server's process id, for its resident memory (default: not sampled).")
    Long pid;

    @Mixin
    PrecisionOptions precision;

    @Option(names = "--output", defaultValue = "runs/bench", description = "Folder for serve-load.json and serve-load.md. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (clients < 1) throw new UsageException("--clients must be at least 1, got " + clients);
        if (seconds < 1 || warmupSeconds < 0) throw new UsageException("--seconds must be at least 1 and --warmup-s zero or more");
        if (!Files.isRegularFile(texts)) {
            throw new IllegalArgumentException("--texts " + texts + ": no such file (run from the repository root, or name a file of texts)");
        }
        List<String> bodies = new ArrayList<>();
        for (TextExample e : TextReader.read(texts, TextReadOptions.forPrediction(Task.SINGLE_LABEL)).examples()) {
            bodies.add(JSON.createObjectNode().put("text", e.text()).toString());
        }
        Files.createDirectories(output);
        if (url != null) {
            System.out.printf("loading %s; %d clients, %d s warm-up, %d s measured%n", url, clients, warmupSeconds, seconds);
            HttpLoad.Result result = HttpLoad.run(url.resolve("/classify"), bodies, clients, Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(seconds), pid == null ? -1 : pid);
            write(JSON.valueToTree(result), markdown(result, null, null), result);
            return 0;
        }
        Precision products = precision.choose(false);
        Path folder = InferenceBench.withHead(Models.folder(model));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path serverLog = output.resolve("serve-load-server.log");
        Process server = new ProcessBuilder(serverCommand(folder, port, products)).redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        HttpLoad.Result result;
        long stopMillis;
        int exit;
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(base, server, serverLog);
            System.out.printf("serving %s (pid %d); %d clients, %d s warm-up, %d s measured%n", folder, server.pid(), clients, warmupSeconds, seconds);
            result = HttpLoad.run(base.resolve("/classify"), bodies, clients, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(seconds), server.pid());
        } finally {
            long stopping = System.nanoTime();
            server.destroy(); // SIGTERM: the graceful stop a deployment's supervisor sends
            if (!server.waitFor(60, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
            stopMillis = (System.nanoTime() - stopping) / 1_000_000;
            exit = server.exitValue();
        }
        ObjectNode json = JSON.valueToTree(result);
        json.put("queue_capacity", queueCapacity).put("max_batch_size", maxBatchSize).put("precision", products.flag())
                .put("model", folder.toString()).put("server_heap", serverHeap).put("sigterm_stop_ms", stopMillis).put("exit_code", exit);
        write(json, markdown(result, stopMillis, exit), result);
        return 0;
    }

    private void write(ObjectNode json, String markdown, HttpLoad.Result result) throws IOException {
        json.put("rss_growth_mb", result.rssGrowthMegabytes());
        JSON.writeValue(output.resolve("serve-load.json").toFile(), json);
        Files.writeString(output.resolve("serve-load.md"), markdown);
        System.out.print(markdown);
        System.out.println("written: " + output.resolve("serve-load.json") + ", " + output.resolve("serve-load.md"));
    }

    private List<String> serverCommand(Path folder, int port, Precision products) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // this JVM's settings (native memory limits, module flags) but not its heap, nor agents such as a debugger
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-javaagent") && !arg.startsWith("-agentlib") && !arg.startsWith("-Xmx") && !arg.startsWith("-Xms")
                    && !arg.equals("-XX:+AlwaysPreTouch")) command.add(arg);
        }
        command.addAll(List.of("-Xms" + serverHeap, "-Xmx" + serverHeap, "-XX:+AlwaysPreTouch"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--model", folder.toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--queue-capacity", String.valueOf(queueCapacity),
                "--max-batch-size", String.valueOf(maxBatchSize)));
        if (products != Precision.FP32) command.add("--" + products.flag());
        return command;
    }

    private static void awaitHealthy(URI base, Process server, Path log) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("the server exited (" + server.exitValue() + ") before answering; see " + log);
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not answer /health within 120 s; see " + log);
    }

    /** The table; the SIGTERM line only when this command started the server (stopMillis and exit not null). */
    private static String markdown(HttpLoad.Result r, Long stopMillis, Integer exit) {
        StringBuilder md = new StringBuilder();
        md.append("| clients | seconds | requests | requests/s | p50 ms | p99 ms | statuses | 503 without Retry-After | failures | RSS MB start -> end (growth) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        double first = r.rss().isEmpty() ? Double.NaN : r.rss().get(0);
        double last = r.rss().isEmpty() ? Double.NaN : r.rss().get(r.rss().size() - 1);
        md.append(String.format(Locale.ROOT, "| %d | %.0f | %d | %.1f | %.1f | %.1f | %s | %d | %d | %.0f -> %.0f (%+.0f) |%n", r.clients(), r.seconds(),
                r.requests(), r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.statuses(), r.missingRetryAfter(), r.failures(), first, last,
                r.rssGrowthMegabytes()));
        if (r.firstFailure() != null) md.append("\nfirst failure: ").append(r.firstFailure()).append('\n');
        if (stopMillis != null) md.append(String.format(Locale.ROOT, "%nSIGTERM: the server stopped in %d ms, exit code %d.%n", stopMillis, exit));
        return md.toString();
    }
}

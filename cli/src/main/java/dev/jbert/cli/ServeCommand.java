package dev.jbert.cli;

import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.cli.serve.InferenceServer;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** A model behind an HTTP endpoint until the process is stopped (Ctrl-C, SIGTERM). */
@Command(name = "serve", description = {
        "Serve a fine-tuned model over HTTP (JSON in and out) until stopped (Ctrl-C):",
        "  GET  /health    {\"status\": \"ok\"}",
        "  GET  /model     task, labels, length limit, config, batching, counters",
        "  POST /classify  sequence models: {\"text\": \"...\", \"text_pair\": \"...\"}",
        "                  or {\"texts\": [...], \"text_pairs\": [...]}; \"logits\": true adds them",
        "  POST /entities  token models: {\"text\": \"...\", \"aggregation\": \"first\"}",
        "                  or {\"texts\": [...]}; \"tokens\": true adds every token's label",
        "Errors: {\"error\": reason} with status 400, 404, 405, 413, or 503 (busy: retry)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "A model folder saved by 'train' (or by transformers' save_pretrained).")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--max-batch-size", defaultValue = "32",
            description = "Most texts per forward pass; concurrent requests are batched up to it, 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--max-wait-ms", defaultValue = "0",
            description = "How long a batch waits for more requests before it runs; 0 batches what queued while the model was busy (default: ${DEFAULT-VALUE}).")
    double maxWaitMs;

    @Option(names = "--queue-capacity", defaultValue = "1024",
            description = "Most texts waiting or running at once; beyond it requests get 503 (default: ${DEFAULT-VALUE}).")
    int queueCapacity;

    @Option(names = "--max-seq-length", description = "Truncate inputs to this many tokens (default: the model's limit).")
    Integer maxLength;

    @Option(names = "--threshold", description = "Multi-label: one global threshold, overriding the tuned per-class thresholds saved with the model.")
    Double threshold;

    @Option(names = "--aggregation", defaultValue = "simple",
            description = "Token models: default entity grouping, none, simple, first, average or max (default: ${DEFAULT-VALUE}).")
    String aggregation;

    @Mixin
    PrecisionOptions precision;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer <key>' on every route but GET /health (default: the "
            + "JBERT_API_KEY environment variable, which keeps the key out of the process list; unset: no key).")
    String apiKey;

    @Option(names = "--idle-timeout-s", defaultValue = "30",
            description = "Close a connection that makes no progress (headers, body, reading the reply) for this many seconds (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--header-timeout-s", defaultValue = "10",
            description = "Close a new connection whose request headers are not all in after this many seconds, however slowly they trickle (default: ${DEFAULT-VALUE}).")
    int headerTimeoutSeconds;

    @Option(names = "--min-body-rate", defaultValue = "1024",
            description = "Abandon (408) a request body that arrives slower than this many bytes per second; 0 for no limit (default: ${DEFAULT-VALUE}).")
    long minBodyRate;

    @Override
    public Integer call() throws InterruptedException {
        NativeBackend.init();
        if (maxWaitMs < 0) throw new UsageException("--max-wait-ms must be zero or positive, got " + maxWaitMs);
        if (idleTimeoutSeconds < 1) throw new UsageException("--idle-timeout-s must be at least 1, got " + idleTimeoutSeconds);
        if (headerTimeoutSeconds < 1) throw new UsageException("--header-timeout-s must be at least 1, got " + headerTimeoutSeconds);
        if (minBodyRate < 0) throw new UsageException("--min-body-rate must be zero or positive, got " + minBodyRate);
        String key = apiKey != null ? apiKey : System.getenv("JBERT_API_KEY");
        if (key != null && key.isBlank()) throw new UsageException("the API key (--api-key or JBERT_API_KEY) is blank");
        InferenceServer.Settings settings = InferenceServer.Settings.defaults().withApiKey(key)
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                .withHeaderTimeout(Duration.ofSeconds(headerTimeoutSeconds)).withMinBodyRate(minBodyRate);
        InferenceOptions options = InferenceOptions.defaults()
                .withMaxBatchSize(maxBatchSize)
                .withQueueCapacity(Math.max(queueCapacity, maxBatchSize))
                .withMaxWait(Duration.ofNanos(Math.round(maxWaitMs * 1e6)))
                .withMaxLength(maxLength)
                .withThreshold(threshold)
                .withAggregation(Options.aggregation(aggregation))
                .withPrecision(precision.choose(false));
        TextClassifier classifier = TextClassifier.load(model, options);
        InferenceServer server;
        try {
            server = InferenceServer.start(classifier, host, port, settings);
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();      // SIGTERM or Ctrl-C: new requests get 503, those in progress finish
            classifier.close();  // then free the model
        }, "jbert-serve-shutdown"));
        System.out.printf("serving %s (%s, %d labels) at %s%s; Ctrl-C to stop%n", model, classifier.info().task(),
                classifier.info().labels().size(), server.uri(), key == null ? "" : ", API key required");
        System.out.flush();
        server.join();
        return 0;
    }
}

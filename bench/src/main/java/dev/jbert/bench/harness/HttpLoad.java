package dev.jbert.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/**
 * Many HTTP clients posting to one URL in a closed loop (each sends its next request when the last is answered, or
 * after the wait a 503's {@code Retry-After} asks for, as a well-behaved client does), for a warm-up and then a
 * measured period, while the server process's resident memory is sampled once a second.
 * It counts every status, checks that each 503 carries {@code Retry-After}, and keeps the latency of every
 * measured request; a request that fails at the connection (reset, refused, timed out) counts as a failure.
 */
public final class HttpLoad {

    /**
     * What one run saw.
     *
     * @param statuses          how many measured replies had each status
     * @param missingRetryAfter 503 replies without a {@code Retry-After} header
     * @param failures          requests with no reply at all; {@code firstFailure} says why the first did
     * @param rss               the server's resident megabytes, one sample a second from the start of measuring
     */
    public record Result(int clients, double seconds, long requests, double requestsPerSecond, double p50Ms, double p99Ms,
                         Map<Integer, Long> statuses, long missingRetryAfter, long failures, String firstFailure, List<Double> rss) {

        /** The largest resident size in the last half of the run over the first sample, in megabytes. */
        public double rssGrowthMegabytes() {
            if (rss.size() < 2) return 0;
            double late = rss.subList(rss.size() / 2, rss.size()).stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return late - rss.get(0);
        }
    }

    private HttpLoad() {
    }

    /**
     * Runs {@code clients} closed-loop clients posting one of {@code bodies} (at random) as JSON to {@code target}.
     *
     * @param serverPid the process whose memory is sampled (Linux {@code /proc}; NaN elsewhere), or 0 or less for none
     */
    public static Result run(URI target, List<String> bodies, int clients, Duration warmup, Duration measure, long serverPid)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong missingRetryAfter = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Latencies> latencies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            Latencies mine = new Latencies();
            latencies.add(mine);
            Random random = new Random(1000 + c);
            pool.execute(() -> {
                while (!stop.get()) {
                    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(random.nextInt(bodies.size())))).build();
                    long started = System.nanoTime();
                    try {
                        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - started;
                        if (!measuring.get()) {
                            if (reply.statusCode() == 503) Thread.sleep(1000);
                            continue;
                        }
                        statuses.computeIfAbsent(reply.statusCode(), s -> new AtomicLong()).incrementAndGet();
                        mine.add(took);
                        if (reply.statusCode() == 503) {
                            var retryAfter = reply.headers().firstValue("Retry-After");
                            if (retryAfter.isEmpty()) {
                                missingRetryAfter.incrementAndGet();
                            } else {
                                Thread.sleep(retryAfterMillis(retryAfter.get()));
                            }
                        }
                    } catch (IOException e) {
                        if (measuring.get()) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e.toString());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        Thread.sleep(warmup.toMillis());
        measuring.set(true);
        long start = System.nanoTime();
        List<Double> rss = new ArrayList<>();
        long end = start + measure.toNanos();
        while (System.nanoTime() < end) {
            if (serverPid > 0) rss.add(ProcessMemory.residentMegabytes(serverPid));
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(90, TimeUnit.SECONDS)) pool.shutdownNow();

        // the pool has terminated, so every client's latencies are visible here
        double[] all = latencies.stream().flatMapToLong(Latencies::stream).mapToDouble(nanos -> nanos / 1e9).toArray();
        long total = all.length;
        Timings timings = total == 0 ? null : Timings.of(all);
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.get()));
        return new Result(clients, seconds, total, total / seconds, total == 0 ? Double.NaN : timings.median() * 1e3,
                total == 0 ? Double.NaN : timings.p99() * 1e3, byStatus, missingRetryAfter.get(), failures.get(), firstFailure.get(), rss);
    }

    /** Retry-After in seconds (the server's form); an HTTP date or garbage waits one second. */
    private static long retryAfterMillis(String value) {
        try {
            return Math.min(60, Math.max(0, Long.parseLong(value.trim()))) * 1000;
        } catch (NumberFormatException e) {
            return 1000;
        }
    }

    /** One client's measured latencies in nanoseconds. */
    private static final class Latencies {
        private long[] values = new long[4096];
        private int size;

        void add(long nanos) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = nanos;
        }

        LongStream stream() {
            return Arrays.stream(values, 0, size);
        }
    }
}

package dev.jbert.heads.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many threads at once: results equal to the sequential ones, micro-batching, the bounded queue, closing. */
class TextClassifierConcurrencyTest {

    private static final int THREADS = 8;
    private static final int REQUESTS = 20;

    /** A request: a text, or a text pair. */
    private record Input(String text, String pair) {
        Classification run(TextClassifier c) {
            return pair == null ? c.classify(text) : c.classify(text, pair);
        }
    }

    private static List<Input> fixtureInputs() {
        JsonNode ref = Reference.of("seq-cls");
        List<String> texts = Reference.texts(ref);
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) inputs.add(new Input(texts.get(i), Reference.pair(ref, i)));
        return inputs;
    }

    @Test
    void manyThreadsGetTheSequentialResultsInFewerForwardPasses() throws Exception {
        List<Input> inputs = fixtureInputs();
        // a long wait makes batches fill whatever the machine's load; no assertion is about time
        InferenceOptions options = InferenceOptions.defaults().withMaxBatchSize(8).withMaxWait(Duration.ofMillis(200));
        try (TextClassifier classifier = TextClassifier.load(Fixtures.folder("seq-cls"), options)) {
            List<Classification> sequential = new ArrayList<>();
            for (Input in : inputs) sequential.add(in.run(classifier)); // one at a time: batches of one
            InferenceStats before = classifier.stats();
            assertEquals(inputs.size(), before.batches());

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<int[]>>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        List<int[]> checked = new ArrayList<>();
                        for (int r = 0; r < REQUESTS; r++) {
                            int which = (thread * 7 + r * 3) % inputs.size();
                            assertSame(sequential.get(which), inputs.get(which).run(classifier), which);
                            checked.add(new int[]{which});
                        }
                        return checked;
                    }));
                }
                start.countDown();
                int checked = 0;
                for (Future<List<int[]>> f : futures) checked += f.get(5, TimeUnit.MINUTES).size();
                assertEquals(THREADS * REQUESTS, checked);
            } finally {
                pool.shutdownNow();
            }
            InferenceStats after = classifier.stats();
            long texts = after.texts() - before.texts();
            long batches = after.batches() - before.batches();
            assertEquals(THREADS * REQUESTS, texts);
            assertTrue(batches < texts, batches + " forward passes for " + texts + " concurrent requests: nothing was batched");
            assertTrue(after.largestBatch() > 1 && after.largestBatch() <= 8, "largest batch " + after.largestBatch());
            assertEquals(0, after.queued());
        }
    }

    /** Padding to another length changes the float rounding of a forward pass, not the answer. */
    private static void assertSame(Classification expected, Classification actual, int which) {
        Classification.SingleLabel e = expected.asSingleLabel();
        Classification.SingleLabel a = actual.asSingleLabel();
        assertEquals(e.label(), a.label(), "input " + which);
        assertEquals(e.truncated(), a.truncated());
        for (String label : e.probabilities().keySet()) {
            assertEquals(e.probabilities().get(label), a.probabilities().get(label), 1e-5, "input " + which);
        }
    }

    @Test
    void batchSizeOneRunsEveryRequestAlone() throws Exception {
        List<Input> inputs = fixtureInputs();
        InferenceOptions options = InferenceOptions.defaults().withMaxBatchSize(1);
        try (TextClassifier classifier = TextClassifier.load(Fixtures.folder("seq-cls"), options)) {
            List<CompletableFuture<Classification>> futures = new ArrayList<>();
            for (Input in : inputs) {
                futures.add(in.pair == null ? classifier.classifyAsync(in.text) : classifier.classifyAsync(in.text, in.pair));
            }
            for (CompletableFuture<Classification> f : futures) f.get(5, TimeUnit.MINUTES);
            assertEquals(3, classifier.classifyBatch(List.of("one", "two", "three")).size());
            InferenceStats stats = classifier.stats();
            assertEquals(stats.texts(), stats.batches());
            assertEquals(1, stats.largestBatch());
        }
    }

    @Test
    void aFullQueueRefusesRequestsAndRecovers() throws Exception {
        // batches of two that wait up to a minute for the second request, so the first cannot finish early
        InferenceOptions options = InferenceOptions.defaults().withMaxBatchSize(2).withQueueCapacity(2)
                .withMaxWait(Duration.ofMinutes(1));
        try (TextClassifier classifier = TextClassifier.load(Fixtures.folder("seq-cls"), options)) {
            CountDownLatch workerHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Classification> first = classifier.classifyAsync("first");
            // runs on the inference thread when the first batch completes, and holds it there
            CompletableFuture<Void> hold = first.thenRun(() -> {
                workerHeld.countDown();
                try {
                    release.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Classification> second = classifier.classifyAsync("second");
            assertTrue(workerHeld.await(5, TimeUnit.MINUTES));
            // the inference thread is busy: two requests fill the queue, the third is refused
            CompletableFuture<Classification> third = classifier.classifyAsync("third");
            CompletableFuture<Classification> fourth = classifier.classifyAsync("fourth");
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> classifier.classify("fifth"));
            assertTrue(e.getMessage().contains("queue is full"), e.getMessage());
            assertEquals(1, classifier.stats().rejected());
            release.countDown();
            hold.get(5, TimeUnit.MINUTES);
            for (CompletableFuture<Classification> f : List.of(first, second, third, fourth)) {
                assertTrue(f.get(5, TimeUnit.MINUTES).asSingleLabel().score() > 0);
            }
            // accepted again once there is room (two texts: a full batch, which does not wait for company)
            assertEquals(2, classifier.classifyBatch(List.of("sixth", "seventh")).size());
        }
    }

    @Test
    void closeFinishesAcceptedRequestsThenRefusesNewOnes() throws Exception {
        TextClassifier classifier = TextClassifier.load(Fixtures.folder("seq-cls"));
        List<CompletableFuture<Classification>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) pending.add(classifier.classifyAsync("request number " + i));
        classifier.close();
        assertTrue(classifier.isClosed());
        for (CompletableFuture<Classification> f : pending) {
            assertTrue(f.isDone(), "close waits for accepted requests");
            assertEquals(3, f.get().asSingleLabel().probabilities().size());
        }
        assertThrows(IllegalStateException.class, () -> classifier.classify("too late"));
        assertThrows(IllegalStateException.class, () -> classifier.classifyAsync("too late"));
        assertThrows(IllegalStateException.class, () -> classifier.classifyBatch(List.of("too late")));
        classifier.close(); // idempotent
        assertTrue(classifier.isClosed());
    }
}

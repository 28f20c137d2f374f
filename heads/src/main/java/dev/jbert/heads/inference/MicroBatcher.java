package dev.jbert.heads.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One worker thread that owns a model and runs the requests of many caller threads through it in
 * micro-batches: after the first request of a batch arrives it waits up to {@code maxWait} for more,
 * until {@code maxBatchSize} items are gathered, then runs them in one call and hands each caller its
 * share of the results.
 *
 * <p>The model is only ever touched by the worker (a model reuses its activation buffers from pass to pass, so
 * two passes at once would overwrite each other's). Memory is
 * bounded by {@code capacity}: items waiting or running at once, over all callers; a submission that would
 * exceed it is refused at once with a {@link RejectedExecutionException}, so an overloaded service sheds
 * load instead of queueing without limit.
 *
 * <p>Closing refuses new work, lets the worker finish everything already accepted, then runs
 * {@code onExit} on the worker thread (to free what the model holds) and waits for it to end.
 *
 * @param <I> an item, such as one encoded text
 * @param <O> the result for one item
 */
final class MicroBatcher<I, O> implements AutoCloseable {

    private record Job<I, O>(List<I> items, CompletableFuture<List<O>> future) {
    }

    /** Queued last by {@link #close()}: everything before it is still run. */
    private final Job<I, O> poison = new Job<>(List.of(), new CompletableFuture<>());

    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final int capacity;
    private final Function<List<I>, List<O>> runner;
    private final Runnable onExit;
    private final LinkedBlockingDeque<Job<I, O>> queue = new LinkedBlockingDeque<>();
    /** Free places for items; taken on submission, given back when the item's batch has run. */
    private final Semaphore places;
    private final Object lock = new Object();
    private final Thread worker;

    private final AtomicLong items = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile int largestBatch;
    private boolean closed; // guarded by lock

    /**
     * @param runner runs one batch on the worker thread: one result per item, in order
     * @param onExit runs once on the worker thread after the last batch
     */
    MicroBatcher(String threadName, int maxBatchSize, Duration maxWait, int capacity, Function<List<I>, List<O>> runner,
                 Runnable onExit) {
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = capacity;
        this.runner = runner;
        this.onExit = onExit;
        this.places = new Semaphore(capacity);
        this.worker = new Thread(this::loop, threadName);
        worker.setDaemon(true); // a classifier nobody closed must not keep the JVM alive
        worker.start();
    }

    /**
     * Queues items to run together or with others' (at most {@code maxBatchSize} of them).
     *
     * @return completes, on the worker thread, with one result per item, or with the batch's failure
     * @throws IllegalStateException      when closed
     * @throws RejectedExecutionException when the items do not fit in the queue's capacity now
     */
    CompletableFuture<List<O>> submit(List<I> batch) {
        if (batch.isEmpty() || batch.size() > maxBatchSize) {
            throw new IllegalArgumentException("a job holds 1 to " + maxBatchSize + " items, got " + batch.size());
        }
        synchronized (lock) {
            if (closed) throw new IllegalStateException("this TextClassifier is closed");
            if (!places.tryAcquire(batch.size())) {
                rejected.incrementAndGet();
                throw new RejectedExecutionException("the inference queue is full (" + queued() + " of " + capacity
                        + " texts waiting or running): retry later, or load the model with a larger queueCapacity");
            }
            Job<I, O> job = new Job<>(List.copyOf(batch), new CompletableFuture<>());
            queue.add(job);
            return job.future;
        }
    }

    int queued() {
        return capacity - places.availablePermits();
    }

    InferenceStats stats() {
        return new InferenceStats(items.get(), batches.get(), largestBatch, queued(), rejected.get());
    }

    private void loop() {
        try {
            boolean stop = false;
            while (!stop) {
                Job<I, O> first = queue.take();
                if (first == poison) break;
                List<Job<I, O>> batch = new ArrayList<>();
                batch.add(first);
                int size = first.items.size();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (size < maxBatchSize) {
                    Job<I, O> next = queue.poll();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) break;
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) break;
                    }
                    if (next == poison) {
                        stop = true;
                        break;
                    }
                    if (size + next.items.size() > maxBatchSize) {
                        queue.addFirst(next); // the worker is the only consumer: it runs first next time
                        break;
                    }
                    batch.add(next);
                    size += next.items.size();
                }
                run(batch, size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // nothing is accepted after the poison, so this only matters if the worker was interrupted
            for (Job<I, O> job; (job = queue.poll()) != null; ) {
                job.future.completeExceptionally(new IllegalStateException("this TextClassifier was closed"));
            }
            onExit.run();
        }
    }

    private void run(List<Job<I, O>> batch, int size) {
        List<I> all = new ArrayList<>(size);
        for (Job<I, O> job : batch) all.addAll(job.items);
        List<O> results;
        try {
            results = runner.apply(all);
            if (results.size() != size) throw new IllegalStateException(size + " items gave " + results.size() + " results");
        } catch (Throwable t) { // the worker must outlive any one batch, and every caller must hear back
            places.release(size);
            for (Job<I, O> job : batch) job.future.completeExceptionally(t);
            return;
        }
        // counters first: a caller that has its result sees them updated
        items.addAndGet(size);
        batches.incrementAndGet();
        if (size > largestBatch) largestBatch = size;
        places.release(size);
        int at = 0;
        for (Job<I, O> job : batch) {
            job.future.complete(List.copyOf(results.subList(at, at + job.items.size())));
            at += job.items.size();
        }
    }

    /** Refuses new work, finishes what was accepted, frees the model and waits for the worker to end. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                queue.add(poison);
            }
        }
        if (Thread.currentThread() == worker) return; // closed from a result callback: the worker ends by itself
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }
}

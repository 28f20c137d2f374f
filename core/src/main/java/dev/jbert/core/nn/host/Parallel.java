package dev.jbert.core.nn.host;

import dev.jbert.core.nd4j.NativeBackend;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a kernel's rows over the cores this process may use ({@link NativeBackend#threads()}): the caller runs
 * one part and a pool of daemon threads the others. Kernels run one at a time, between native operations, so
 * the pool and ND4J's own threads take turns rather than competing. The split depends only on the row count
 * and the thread count, so a reduction that combines parts in order gives the same bits on every run.
 */
public final class Parallel {

    private static final int THREADS = NativeBackend.threads();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExecutorService POOL = THREADS <= 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "jbert-kernel-" + COUNTER.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /**
     * The body of a kernel over the rows {@code [from, to)}. Runs on several threads at once, one part each: a body
     * writes only its own rows' results.
     */
    @FunctionalInterface
    public interface Range {
        /**
         * Runs the rows of one part.
         *
         * @param from the first row
         * @param to   one past the last row
         */
        void run(int from, int to);
    }

    /**
     * The body of a kernel over part {@code part} of the split, rows {@code [from, to)}. Runs on several threads at
     * once, one part each: a body writes only its own part's results.
     */
    @FunctionalInterface
    public interface Part {
        /**
         * Runs the rows of one part.
         *
         * @param part the part's index, in {@code [0, partCount(n, grain))}
         * @param from the first row
         * @param to   one past the last row
         */
        void run(int part, int from, int to);
    }

    private Parallel() {
    }

    /**
     * How many parts work is split into at most.
     *
     * @return {@link NativeBackend#threads()}
     */
    public static int threads() {
        return THREADS;
    }

    /**
     * How many parts {@link #parts} splits {@code n} rows into, each of at least {@code grain} rows.
     *
     * @param n     the rows
     * @param grain the fewest rows worth a part of their own
     * @return the part count, from 1 to {@link #threads()}
     */
    public static int partCount(int n, int grain) {
        return (int) Math.max(1, Math.min(THREADS, n / (long) Math.max(1, grain)));
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous parts of at least {@code grain} rows, one per thread.
     *
     * @param n     the rows
     * @param grain the fewest rows worth a part of their own
     * @param body  the kernel on one part
     */
    public static void range(int n, int grain, Range body) {
        parts(n, grain, (part, from, to) -> body.run(from, to));
    }

    /**
     * Runs {@code body} over {@code [0, n)} in {@link #partCount} contiguous parts, passing each its index, and
     * returns when all are done. An exception in any part is rethrown here.
     *
     * @param n     the rows; nothing runs when {@code n <= 0}
     * @param grain the fewest rows worth a part of their own
     * @param body  the kernel on one part
     */
    public static void parts(int n, int grain, Part body) {
        if (n <= 0) return;
        int parts = partCount(n, grain);
        if (parts == 1 || POOL == null) {
            body.run(0, 0, n);
            return;
        }
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int part = p, from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            futures[p - 1] = POOL.submit(() -> body.run(part, from, to));
        }
        RuntimeException failure = null;
        try {
            body.run(0, 0, (int) ((long) n / parts));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a kernel ran", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) throw failure;
    }
}

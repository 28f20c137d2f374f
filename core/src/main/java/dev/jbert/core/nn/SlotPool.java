package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Native buffers that finished layers of an inference pass hand on to the layers after them.
 *
 * <p>Inference needs no activation once the next layer has read it, so a stack of identical layers can run in the
 * memory of two: while a pool is {@linkplain #open() open} on a thread, {@link Slot#release()} gives its buffer to
 * the pool instead of freeing it, and {@link Slot#get} takes the smallest pooled buffer that fits before it
 * allocates. Layer i+2 then writes into the very buffers layer i used, with no allocation and no first-touch page
 * faults. A buffer pooled before a scope opened and not taken during it belongs to a shape no longer in use, and is
 * freed when the scope closes, so the pool never holds more than the last pass left behind.
 *
 * <p>Not thread-safe: use a pool on one thread at a time; while open it serves only the slots of the thread that
 * opened it.
 */
public final class SlotPool {

    private static final ThreadLocal<SlotPool> CURRENT = new ThreadLocal<>();

    /** Pooled buffers by type and length, each with the scope it was pooled in. */
    private final Map<DataType, TreeMap<Long, ArrayDeque<Pooled>>> free = new EnumMap<>(DataType.class);
    private long scope;

    private record Pooled(INDArray buffer, long scope) {
    }

    /** The pool open on this thread, or null. */
    static SlotPool current() {
        return CURRENT.get();
    }

    /**
     * Makes this the pool of this thread's slots until the returned scope closes.
     *
     * @return the scope, to close when the slots are done with
     * @throws IllegalStateException when a pool is already open on this thread: scopes do not nest
     */
    public Scope open() {
        if (CURRENT.get() != null) throw new IllegalStateException("a slot pool is already open on this thread");
        CURRENT.set(this);
        scope++;
        return new Scope();
    }

    /**
     * The open period of a pool; closing it frees what the scope left untouched from earlier ones. Close it on the
     * thread that opened it.
     */
    public final class Scope implements AutoCloseable {

        private Scope() {
        }

        @Override
        public void close() {
            CURRENT.remove();
            List<INDArray> stale = new ArrayList<>();
            for (TreeMap<Long, ArrayDeque<Pooled>> ofType : free.values()) {
                for (Iterator<ArrayDeque<Pooled>> lengths = ofType.values().iterator(); lengths.hasNext(); ) {
                    ArrayDeque<Pooled> buffers = lengths.next();
                    buffers.removeIf(p -> {
                        if (p.scope() == scope) return false;
                        stale.add(p.buffer());
                        return true;
                    });
                    if (buffers.isEmpty()) lengths.remove();
                }
            }
            NativeMemory.free(stale);
        }
    }

    /** Keeps a buffer for a later {@link #take}. */
    void put(INDArray buffer) {
        free.computeIfAbsent(buffer.dataType(), t -> new TreeMap<>()).computeIfAbsent(buffer.length(), k -> new ArrayDeque<>())
                .push(new Pooled(buffer, scope));
    }

    /**
     * The smallest pooled buffer of {@code type} with at least {@code n} elements and at most twice that (a larger one would keep its
     * excess resident for as long as its new slot lives), or null.
     */
    INDArray take(DataType type, long n) {
        TreeMap<Long, ArrayDeque<Pooled>> ofType = free.get(type);
        Map.Entry<Long, ArrayDeque<Pooled>> fit = ofType == null ? null : ofType.ceilingEntry(n);
        if (fit == null || fit.getKey() > 2 * n) return null;
        Pooled p = fit.getValue().pop();
        if (fit.getValue().isEmpty()) ofType.remove(fit.getKey());
        return p.buffer();
    }

    /** Frees every pooled buffer now. */
    public void clear() {
        free.values().forEach(ofType -> ofType.values().forEach(buffers -> buffers.forEach(p -> NativeMemory.free(p.buffer()))));
        free.clear();
    }
}

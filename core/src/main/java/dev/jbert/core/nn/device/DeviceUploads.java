package dev.jbert.core.nn.device;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The host inputs of a pass (token ids, padding, pooling weights) on the device, uploaded once and reused by every
 * kernel of the pass that needs them, forward and backward: the embedding lookup and its gradient share one upload of
 * the ids, the padding is uploaded once for all layers. An upload is found by the identity of the host array it was
 * made from (a pass's inputs are fresh arrays, never changed once handed to a kernel) and what was made of it. The
 * last few are kept per thread; older ones are left to the garbage collector.
 */
final class DeviceUploads {

    /** A pass uploads fewer than this: ids, token types, positions, their gradients' segments, padding, pooling. */
    private static final int KEPT = 16;

    private static final ThreadLocal<Deque<Entry>> RECENT = ThreadLocal.withInitial(ArrayDeque::new);

    private record Entry(Object source, String kind, long detail, INDArray array) {
    }

    private DeviceUploads() {
    }

    /**
     * The array made by {@code upload} from {@code source} for {@code kind} (with {@code detail} telling variants
     * apart), uploaded now unless this thread uploaded it lately.
     */
    static INDArray of(Object source, String kind, long detail, Supplier<INDArray> upload) {
        Deque<Entry> recent = RECENT.get();
        for (Iterator<Entry> it = recent.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.source() == source && e.kind().equals(kind) && e.detail() == detail) {
                if (recent.peekFirst() != e) {
                    it.remove();
                    recent.addFirst(e);
                }
                return e.array();
            }
        }
        INDArray array = upload.get();
        recent.addFirst(new Entry(source, kind, detail, array));
        if (recent.size() > KEPT) recent.removeLast();
        return array;
    }
}

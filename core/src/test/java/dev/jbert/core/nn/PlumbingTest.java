package dev.jbert.core.nn;

import dev.jbert.core.nn.host.ColumnSums;
import dev.jbert.core.nn.host.Floats;
import dev.jbert.core.nn.host.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernels' plumbing: slots, the parallel split, buffer access, column sums and table rows. */
class PlumbingTest {

    @Test
    void aSlotReusesItsMemoryAndGrowsWhenAsked() {
        Slot slot = new Slot();
        INDArray a = slot.get(4, 5);
        a.assign(3);
        assertSame(a, slot.get(4, 5), "the same shape is the same view");
        INDArray smaller = slot.get(2, 3);
        assertEquals(3f, smaller.getFloat(1, 2), "a smaller shape is a view of the same memory");
        INDArray larger = slot.get(10, 10);
        assertEquals(100, larger.length());
        assertEquals(0.0, slot.zeros(3, 3).sumNumber().doubleValue());
        slot.release();
        assertEquals(6, slot.get(2, 3).length(), "usable after release");
    }

    @Test
    void anOpenPoolHandsReleasedMemoryToTheNextSlotAndFreesWhatAPassLeftUnused() {
        SlotPool pool = new SlotPool();
        Slot first = new Slot(), second = new Slot(), stale = new Slot(), later = new Slot();
        INDArray staleBuffer;
        try (SlotPool.Scope ignored = pool.open()) {
            first.get(4, 5).assign(7);
            first.release();
            INDArray taken = second.get(2, 10);
            assertEquals(7f, taken.getFloat(1, 9), "the released buffer, not a fresh one");
            staleBuffer = stale.get(100);
            stale.release();
            assertEquals(1, later.get(1).length(), "a pooled buffer more than twice the request is not handed out");
        }
        assertTrue(!staleBuffer.wasClosed(), "kept for the next pass");
        try (SlotPool.Scope ignored = pool.open()) {
            assertThrows(IllegalStateException.class, pool::open, "scopes do not nest");
            second.get(3);
        }
        assertTrue(staleBuffer.wasClosed(), "a buffer the next pass did not take is freed when it ends");
        second.release();
        assertEquals(3, second.get(3).length(), "outside a scope a slot allocates as before");
        pool.clear();
    }

    @Test
    void partsCoverEveryRowOnceInContiguousRanges() {
        for (int n : new int[]{0, 1, 5, 1000}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, n));
            Parallel.parts(n, 3, (part, from, to) -> {
                assertTrue(part >= 0 && part < Parallel.partCount(n, 3) && from <= to);
                for (int i = from; i < to; i++) seen.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "row " + i + " of " + n);
        }
    }

    @Test
    void anExceptionInAnyPartReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.range(100, 1, (from, to) -> { if (to == 100) throw new IllegalStateException("last part failed"); }));
        assertEquals("last part failed", e.getMessage());
    }

    @Test
    void kernelsRefuseArraysTheyCannotReadInPlace() {
        INDArray columns = Nd4j.create(DataType.FLOAT, 4, 6).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3));
        assertThrows(IllegalArgumentException.class, () -> Floats.of(columns));
        assertThrows(IllegalArgumentException.class, () -> Floats.of(Nd4j.create(DataType.DOUBLE, 3)));
        INDArray rows = Nd4j.linspace(0, 11, 12, DataType.FLOAT).reshape(4, 3).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertEquals(3f, Floats.of(rows).get(0), "a row range starts at its own first element");
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void columnSumsAreExactForIntegers(KernelSet kernels) {
        INDArray a = Nd4j.linspace(1, 600, 600, DataType.FLOAT).reshape(200, 3), target = Nd4j.ones(DataType.FLOAT, 3);
        kernels.kernels().addColumnSums(a, target);
        // Σ over rows of (3r + c + 1), r < 200
        for (int c = 0; c < 3; c++) assertEquals(1 + 3 * 199 * 200 / 2 + 200 * (c + 1), target.getFloat(c), 0f);
    }

    @Test
    void hostColumnSumsCheckTheirShape() {
        INDArray a = Nd4j.linspace(1, 600, 600, DataType.FLOAT).reshape(200, 3), target = Nd4j.ones(DataType.FLOAT, 3);
        ColumnSums.addTo(a, target);
        // Σ over rows of (3r + c + 1), r < 200
        for (int c = 0; c < 3; c++) assertEquals(1 + 3 * 199 * 200 / 2 + 200 * (c + 1), target.getFloat(c), 0f);
        assertThrows(IllegalArgumentException.class, () -> ColumnSums.addTo(a, Nd4j.zeros(DataType.FLOAT, 4)));
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void tableRowsSumLookupsAndScatterTheirGradients(KernelSet set) {
        Kernels kernels = set.kernels();
        Random random = new Random(2);
        INDArray words = Reference.randn(random, 1, 10, 4), positions = Reference.randn(random, 1, 3, 4);
        int[] ids = {4, 0, 4, 9, 1, 4};
        INDArray out = Nd4j.create(DataType.FLOAT, 6, 4);
        kernels.sumRows(out, List.of(new Kernels.Lookup(words, ids, 0), new Kernels.Lookup(positions, null, 3)));
        for (int r = 0; r < 6; r++) {
            assertTrue(out.getRow(r).equalsWithEps(words.getRow(ids[r]).add(positions.getRow(r % 3)), 1e-6), "row " + r);
        }
        INDArray grad = Nd4j.zeros(DataType.FLOAT, 10, 4), rows = Nd4j.ones(DataType.FLOAT, 6, 4);
        kernels.scatterRows(rows, ids, 0, 0, grad);
        assertEquals(3f, grad.getFloat(4, 2), "id 4 appears three times");
        assertEquals(0f, grad.getFloat(0, 0), "the skipped (padding) id gets nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.sumRows(out, List.of(new Kernels.Lookup(words, new int[]{0, 1, 2, 3, 4, 10}, 0))));
        assertTrue(e.getMessage().contains("id 10 at position 5"), e.getMessage());
    }
}

package dev.jbert.bench.harness;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    private static BenchOptions options(List<ModelShape> shapes, Integer trainBatch, int length, int steps) {
        return new BenchOptions(shapes, trainBatch, null, length, 3, steps, 50, 1024, Path.of("t.tsv"), Path.of("m"),
                PyTorchSide.Mode.OFF, false, List.of(), List.of(), List.of());
    }

    @Test
    void defaultBatchSizesAreThoseOfThePyTorchReference() {
        BenchOptions o = options(List.of(ModelShape.TINY), null, 128, 10);
        assertEquals(32, o.trainBatch(ModelShape.TINY));
        assertEquals(16, o.trainBatch(ModelShape.MINILM));
        assertEquals(8, o.trainBatch(ModelShape.BASE));
        assertEquals(32, o.inferenceBatch(ModelShape.MINILM));
        assertEquals(8, o.inferenceBatch(ModelShape.BASE));
        assertEquals(4, options(List.of(ModelShape.TINY), 4, 128, 10).trainBatch(ModelShape.BASE));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(List.of(), null, 128, 10))
                .getMessage().contains("model shape"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(List.of(ModelShape.TINY), 0, 128, 10))
                .getMessage().contains("training batch must be >= 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(List.of(ModelShape.TINY), null, 513, 10))
                .getMessage().contains("beyond the shapes' 512 positions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(List.of(ModelShape.TINY), null, 128, 0))
                .getMessage().contains("timed steps must be >= 1"));
    }
}

package dev.jbert.testdata;

import dev.jbert.core.nn.KernelSet;
import org.junit.jupiter.params.provider.Arguments;

import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The fixture tests run once with each kernel set: arguments that pair each case with each set, and models built
 * with a chosen set. The host set is first, so a failure of both reads as a host failure.
 */
public final class KernelSets {

    private KernelSets() {
    }

    /** Each kernel set alone. */
    public static Stream<Arguments> each() {
        return Stream.of(KernelSet.values()).map(Arguments::of);
    }

    /** Each case with each kernel set: {@code (case, set)}. */
    public static Stream<Arguments> each(Object... cases) {
        return Stream.of(KernelSet.values()).flatMap(k -> Stream.of(cases).map(c -> Arguments.of(c, k)));
    }

    /** Each row of arguments with each kernel set appended. */
    public static Stream<Arguments> eachRow(Object[]... rows) {
        return Stream.of(KernelSet.values()).flatMap(k -> Stream.of(rows).map(r -> {
            Object[] withSet = java.util.Arrays.copyOf(r, r.length + 1);
            withSet[r.length] = k;
            return Arguments.of(withSet);
        }));
    }

    /** What {@code build} makes, with {@code kernels} as the models' kernel set. */
    public static <T> T building(KernelSet kernels, Supplier<T> build) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            return build.get();
        }
    }
}

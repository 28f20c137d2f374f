package dev.jbert.bench.harness;

import dev.jbert.core.nn.Profiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Wall time per kind of kernel over the timed steps of one phase, from {@link Profiler}: which kernels a step
 * spends its time in and, by difference with the step time, how much goes elsewhere (the optimizer, clipping,
 * feeding, garbage collection).
 */
public final class KernelProfile {

    private List<KernelTime> recorded = List.of();

    /** One kind of kernel: total seconds over the recorded steps and calls. */
    public record KernelTime(String kernel, double seconds, long calls) {
    }

    public void start() {
        Profiler.enable(true);
    }

    public void stop() {
        List<KernelTime> out = new ArrayList<>();
        Profiler.recorded().forEach((section, t) -> {
            if (t.calls() > 0) out.add(new KernelTime(section.label(), t.seconds(), t.calls()));
        });
        out.sort(Comparator.comparingDouble(KernelTime::seconds).reversed());
        recorded = List.copyOf(out);
        Profiler.enable(false);
    }

    /** Kernels by total time, longest first. */
    public List<KernelTime> ranked() {
        return recorded;
    }
}

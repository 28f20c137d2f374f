package dev.jbert.bench.harness;

import dev.jbert.bench.harness.BenchReport.Profile;
import dev.jbert.bench.harness.BenchReport.ShapeResult;
import dev.jbert.bench.harness.BenchReport.Throughput;

import java.util.Locale;
import java.util.Optional;

/** A {@link BenchReport} as Markdown tables, the form {@code bench/RESULTS.md} keeps. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String of(BenchReport r) {
        StringBuilder md = new StringBuilder();
        line(md, "## jbert bench, %s", r.date());
        md.append('\n');
        line(md, "- Machine: %s", r.machine().describe());
        line(md, "- Sequences of %d tokens, no padding; %d warm-up steps, then %d timed; random weights, 2 labels, dropout 0.1 in training",
                r.settings().length(), r.settings().warmupSteps(), r.settings().steps());
        line(md, "- FLOPs: %s", r.settings().flopCount());
        line(md, "- Matrix-multiply peak (`Nd4j.gemm` %d³ float32): %.1f GFLOP/s (median %.1f)", r.gemm().size(), r.gemm().gflops(),
                r.gemm().medianGflops());
        line(md, "- Tokenizer (one thread, uncased WordPiece, %d real sentences): %,.0f texts/s, %,.0f tokens/s", r.tokenizer().texts(),
                r.tokenizer().textsPerSecond(), r.tokenizer().tokensPerSecond());
        line(md, "- PyTorch column: %s", r.pytorch().source());
        md.append('\n');
        for (String w : r.warnings()) line(md, "**Warning:** %s.%n", w);
        md.append("| shape | layers/hidden/heads | mode | batch × length | median ms | p10 ms | p90 ms | sequences/s | tokens/s "
                + "| GFLOP/s | of GEMM peak | outside kernels | peak RSS MB | peak heap MB | GC s | PyTorch sequences/s | ours / PyTorch |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ShapeResult s : r.shapes()) {
            for (Throughput t : new Throughput[]{s.training(), s.inference()}) {
                Optional<PyTorchSide.Row> torch = r.pytorch().find(s.shape(), t.mode(), t.batch(), t.length());
                line(md, "| %s | %s | %s | %d × %d | %.1f | %.1f | %.1f | %.1f | %,.0f | %.1f | %.0f%% | %.0f%% | %,.0f | %,.0f | %.2f | %s | %s |",
                        s.shape(), s.dimensions(), t.mode(), t.batch(), t.length(), ms(t.stepSeconds().median()),
                        ms(t.stepSeconds().p10()), ms(t.stepSeconds().p90()), t.sequencesPerSecond(), t.tokensPerSecond(), t.gflops(),
                        100 * t.shareOfGemmPeak(), 100 * t.outsideKernelsShare(), t.peakResidentMb(), t.peakHeapMb(), t.gcSeconds(),
                        torch.map(p -> format("%.1f", p.sequencesPerSecond())).orElse("–"),
                        torch.map(p -> format("%.2f", t.sequencesPerSecond() / p.sequencesPerSecond())).orElse("–"));
            }
        }
        md.append('\n');
        md.append("| shape | parameters | load saved classifier s | single-text latency p50 ms | p99 ms | tokens |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (ShapeResult s : r.shapes()) {
            line(md, "| %s | %,d | %.2f | %.1f | %.1f | %d |", s.shape(), s.parameters(), s.loadSeconds(), s.latency().p50Ms(),
                    s.latency().p99Ms(), s.latency().tokens());
        }
        if (!r.longContext().isEmpty()) {
            md.append('\n');
            md.append("| shape | long context: one sequence of | median s | tokens/s | attention scores held MB | peak RSS MB "
                    + "| PyTorch s | ours / PyTorch |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (BenchReport.LongContext l : r.longContext()) {
                Optional<PyTorchSide.Row> torch = r.pytorch().find(l.shape(), "inference", 1, l.length());
                line(md, "| %s | %d | %.2f | %,.0f | %,.0f | %,.0f | %s | %s |", l.shape(), l.length(), l.seconds().median(),
                        l.tokensPerSecond(), l.scoresMb(), l.peakResidentMb(),
                        torch.map(p -> format("%.2f", 1 / p.sequencesPerSecond())).orElse("–"),
                        torch.map(p -> format("%.2f", (1 / l.seconds().median()) / p.sequencesPerSecond())).orElse("–"));
            }
        }
        for (ShapeResult s : r.shapes()) {
            profile(md, s.shape() + " training", s.trainingProfile());
            profile(md, s.shape() + " inference", s.inferenceProfile());
        }
        return md.toString();
    }

    private static void profile(StringBuilder md, String title, Profile p) {
        if (p == null) return;
        md.append('\n');
        line(md, "Profile, %s: mean step %.1f ms = %.1f ms in timed kernels + %.1f ms elsewhere (feeding, bookkeeping; "
                        + "garbage collection %.1f ms%s)",
                title, ms(p.stepSeconds()), ms(p.kernelSeconds()), ms(p.stepSeconds() - p.kernelSeconds()), ms(p.gcSeconds()),
                p.optimizerSeconds() > 0 ? format("; one AdamW step timed alone %.1f ms", ms(p.optimizerSeconds())) : "");
        md.append('\n');
        md.append("| kernel | ms per step | share of step | calls per step |\n|---|---|---|---|\n");
        for (KernelProfile.KernelTime k : p.kernels()) {
            line(md, "| %s | %.1f | %.0f%% | %.0f |", k.kernel(), ms(k.seconds()), 100 * k.seconds() / p.stepSeconds(), (double) k.calls());
        }
    }

    private static double ms(double seconds) {
        return 1e3 * seconds;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static void line(StringBuilder md, String pattern, Object... args) {
        md.append(format(pattern, args)).append('\n');
    }
}

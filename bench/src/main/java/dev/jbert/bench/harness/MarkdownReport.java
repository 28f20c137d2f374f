package dev.jbert.bench.harness;

import dev.jbert.bench.harness.BenchReport.Footprint;
import dev.jbert.bench.harness.BenchReport.Latency;
import dev.jbert.bench.harness.BenchReport.Profile;
import dev.jbert.bench.harness.BenchReport.ShapeResult;
import dev.jbert.bench.harness.BenchReport.Throughput;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A {@link BenchReport} as Markdown tables, the form {@code bench/RESULTS.md} keeps. */
public final class MarkdownReport {

    /** The engines of the speed table, jbert's first: a column each. */
    private record Engine(String title, String runtime, String precision) {
    }

    private static final List<Engine> JBERT = List.of(new Engine("jbert fp32", "host", "fp32"), new Engine("jbert bf16", "host", "bf16"),
            new Engine("jbert int8", "host", "int8"), new Engine("jbert fp32, device kernels", "device", "fp32"));
    private static final List<Engine> PEERS = List.of(new Engine("PyTorch fp32", PyTorchSide.PYTORCH, "fp32"),
            new Engine("PyTorch bf16 autocast", PyTorchSide.PYTORCH, "bf16"), new Engine("ONNX Runtime fp32", PyTorchSide.ONNX_RUNTIME, "fp32"),
            new Engine("ONNX Runtime int8", PyTorchSide.ONNX_RUNTIME, "int8"));

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
        line(md, "- Peers: %s", r.pytorch().source());
        md.append('\n');
        for (String w : r.warnings()) line(md, "**Warning:** %s.%n", w);
        speeds(md, r);
        md.append('\n');
        md.append("| shape | layers/hidden/heads | mode | precision | kernels | batch × length | median ms | p10 ms | p90 ms | sequences/s | tokens/s "
                + "| GFLOP/s | of GEMM peak | outside kernels | peak RSS MB | peak heap MB | GC s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ShapeResult s : r.shapes()) {
            for (Throughput t : s.throughputs()) {
                line(md, "| %s | %s | %s | %s | %s | %d × %d | %.1f | %.1f | %.1f | %.1f | %,.0f | %.1f | %.0f%% | %.0f%% | %,.0f | %,.0f | %.2f |",
                        s.shape(), s.dimensions(), t.mode(), t.precision(), t.kernels(), t.batch(), t.length(), ms(t.stepSeconds().median()),
                        ms(t.stepSeconds().p10()), ms(t.stepSeconds().p90()), t.sequencesPerSecond(), t.tokensPerSecond(), t.gflops(),
                        100 * t.shareOfGemmPeak(), 100 * t.outsideKernelsShare(), t.peakResidentMb(), t.peakHeapMb(), t.gcSeconds());
            }
        }
        md.append('\n');
        md.append("| shape | parameters | precision | weights MB (float32 + low-precision copies) | load saved classifier s "
                + "| single-text latency p50 ms | p99 ms | tokens |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ShapeResult s : r.shapes()) {
            for (Latency l : s.latencies()) {
                Optional<Footprint> f = s.footprints().stream().filter(x -> x.precision().equals(l.precision())).findFirst();
                line(md, "| %s | %,d | %s | %s | %.2f | %.1f | %.1f | %d |", s.shape(), s.parameters(), l.precision(),
                        f.map(x -> x.copiesMb() == 0 ? format("%,.0f", x.weightsMb()) : format("%,.0f + %,.0f", x.weightsMb(), x.copiesMb()))
                                .orElse("–"), l.loadSeconds(), l.p50Ms(), l.p99Ms(), l.tokens());
            }
        }
        if (!r.longContext().isEmpty()) {
            md.append('\n');
            md.append("| shape | long context: one sequence of | median s | tokens/s | attention scores held MB | peak RSS MB "
                    + "| PyTorch s | ours / PyTorch |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (BenchReport.LongContext l : r.longContext()) {
                Optional<PyTorchSide.Row> torch = r.pytorch().find(l.shape(), "inference", 1, l.length(), PyTorchSide.PYTORCH, "fp32");
                line(md, "| %s | %d | %.2f | %,.0f | %,.0f | %,.0f | %s | %s |", l.shape(), l.length(), l.seconds().median(),
                        l.tokensPerSecond(), l.scoresMb(), l.peakResidentMb(),
                        torch.map(p -> format("%.2f", 1 / p.sequencesPerSecond())).orElse("–"),
                        torch.map(p -> format("%.2f", (1 / l.seconds().median()) / p.sequencesPerSecond())).orElse("–"));
            }
        }
        for (ShapeResult s : r.shapes()) {
            for (Profile p : s.profiles()) {
                profile(md, s.shape() + " " + p.precision() + (p.kernelSet().equals("host") ? "" : " " + p.kernelSet() + " kernels") + " " + p.mode(), p);
            }
        }
        return md.toString();
    }

    /**
     * Sequences per second of every engine side by side, one row per shape and mode, and jbert's best over the
     * best peer's: the comparison the report exists for.
     */
    private static void speeds(StringBuilder md, BenchReport r) {
        List<Engine> columns = new ArrayList<>();
        for (Engine e : JBERT) {
            if (r.shapes().stream().anyMatch(s -> s.find("inference", e.precision(), e.runtime()).isPresent())) columns.add(e);
        }
        for (Engine e : PEERS) if (r.pytorch().rows().stream().anyMatch(p -> p.runtime().equals(e.runtime()) && p.precision().equals(e.precision()))) columns.add(e);
        md.append("Sequences per second (").append(r.pytorch().sameRun() ? "every column measured in this run, on this machine"
                : "the peers' column recorded elsewhere, not in this run").append("):\n\n");
        md.append("| shape | mode | batch × length |");
        for (Engine e : columns) md.append(' ').append(e.title()).append(" |");
        md.append(" jbert best / best peer |\n|---|---|---|");
        md.append("---|".repeat(columns.size() + 1)).append('\n');
        for (ShapeResult s : r.shapes()) {
            for (String mode : List.of("training", "inference")) {
                Optional<Throughput> any = s.throughputs().stream().filter(t -> t.mode().equals(mode)).findFirst();
                if (any.isEmpty()) continue;
                int batch = any.get().batch(), length = any.get().length();
                StringBuilder row = new StringBuilder(format("| %s | %s | %d × %d |", s.shape(), mode, batch, length));
                double ours = 0, peers = 0;
                for (Engine e : columns) {
                    boolean jbert = JBERT.contains(e);
                    Optional<Double> v = jbert ? s.find(mode, e.precision(), e.runtime()).map(Throughput::sequencesPerSecond)
                            : r.pytorch().find(s.shape(), mode, batch, length, e.runtime(), e.precision()).map(PyTorchSide.Row::sequencesPerSecond);
                    row.append(' ').append(v.map(x -> format("%.1f", x)).orElse("–")).append(" |");
                    if (v.isPresent() && jbert) ours = Math.max(ours, v.get());
                    else if (v.isPresent()) peers = Math.max(peers, v.get());
                }
                row.append(' ').append(peers > 0 ? format("%.2f", ours / peers) : "–").append(" |");
                md.append(row).append('\n');
            }
        }
    }

    private static void profile(StringBuilder md, String title, Profile p) {
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

package dev.jbert.cli;

import dev.jbert.core.nn.Precision;
import dev.jbert.core.nn.PrecisionSupport;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --bf16} and {@code --int8}: the precision of the Linear products, for every command that runs a model. */
final class PrecisionOptions {

    @Option(names = "--bf16", description = "Multiply in bfloat16 (as transformers' --bf16 on the CPU: Linear products take bf16 inputs; "
            + "weights, optimizer, LayerNorm, softmax and losses stay fp32; bench: measure it beside fp32). Needs a CPU with "
            + "AVX512-BF16 or AMX. Default: fp32.")
    boolean bf16;

    @Option(names = "--int8", description = "Inference only: dynamic int8 quantization as ONNX Runtime's quantize_dynamic (weights per "
            + "output channel, activations per row; bench: measure it beside fp32). Needs a CPU with VNNI. Default: fp32.")
    boolean int8;

    /**
     * The precision asked for, refused (with the reason) where this machine cannot run it fast.
     *
     * @param training whether the command trains: int8 is then refused
     */
    Precision choose(boolean training) {
        if (bf16 && int8) throw new UsageException("--bf16 and --int8 exclude each other: choose one");
        if (int8 && training) throw new UsageException("--int8 is for inference only (eval, predict, serve): train with --bf16 or in fp32");
        Precision p = bf16 ? Precision.BF16 : int8 ? Precision.INT8 : Precision.FP32;
        PrecisionSupport.require(p);
        return p;
    }

    /** Every lower precision asked for (bench measures each beside fp32), refused where this machine cannot run it fast. */
    List<Precision> each() {
        List<Precision> out = new ArrayList<>();
        if (bf16) out.add(Precision.BF16);
        if (int8) out.add(Precision.INT8);
        out.forEach(PrecisionSupport::require);
        return out;
    }
}

#!/usr/bin/env python3
"""The PyTorch side of `jbert bench`: the same shapes, batch sizes, length, warm-up and timed steps,
measured on this machine with the peers users pick instead of jbert: PyTorch in float32 and in bfloat16
autocast, and ONNX Runtime in float32 and int8. Optional: jbert never needs Python; the harness runs
this script when a Python with torch and transformers is available and prints the figures beside its
own, with the ratio per row.

Prints JSON on stdout:
  {"torch", "transformers", "onnxruntime" (only when it imports), "threads", "peers",
   "rows": [{"shape", "mode", "batch", "length", "sequences_per_second", "median_seconds",
             "runtime", "precision", ...}],
   "skipped": [{"peers", "shape", "reason"}]}
Exits with status 3 when torch or transformers cannot be imported.

Peers (--peers, comma-separated, default all four):
  pytorch-fp32  runtime "pytorch", precision "fp32": training and inference, float32 throughout.
  pytorch-bf16  runtime "pytorch", precision "bf16": torch.autocast("cpu", dtype=torch.bfloat16) around the
                forward pass (and the loss), float32 master weights, backward/clipping/AdamW outside autocast,
                as Hugging Face Trainer --bf16 does on CPU; inference is the forward under the same autocast.
  ort-fp32      runtime "onnxruntime", precision "fp32": inference only, of the same random-weight model
                exported to ONNX (torch.onnx.export, the dynamo exporter, the TorchScript one as a fallback;
                inputs input_ids, attention_mask and token_type_ids where the family has token types;
                dynamic batch and sequence axes) into a temporary directory deleted afterwards.
  ort-int8      runtime "onnxruntime", precision "int8": inference only, of
                onnxruntime.quantization.quantize_dynamic(export, weight_type=QuantType.QInt8) (per-tensor).
ONNX Runtime sessions run on the CPU provider with intra_op_num_threads = torch's thread count,
inter_op_num_threads 1, sequential execution and ORT_ENABLE_ALL graph optimizations.

Row fields: "shape", "mode" ("training" or "inference"), "batch", "length", "sequences_per_second" and
"median_seconds" (median of the timed steps) mean what they always meant; "runtime" ("pytorch" or
"onnxruntime") and "precision" ("fp32", "bf16" or "int8") say which peer measured the row. Inference rows
of the bf16 and ONNX Runtime peers also carry "max_abs_diff_vs_fp32" (the largest |logit| difference from
PyTorch float32 on the batch measured, a check that the peer computes the same model), and ONNX Runtime
rows "exporter" ("dynamo" or "torchscript"). The pytorch/fp32 rows come first in "rows", so a
reader that matches on shape, mode, batch and length alone finds the float32 PyTorch figure.
"skipped" lists what could not run and why: ONNX Runtime peers when onnx/onnxruntime do not import, or a
shape whose export or quantization failed.

Training step = forward, backward, gradient clipping to norm 1, AdamW (as Hugging Face Trainer does);
inference = a forward pass under torch.inference_mode() (ONNX Runtime: InferenceSession.run). Random
weights (the same for every peer of a shape), the released checkpoints' dropout in training, every position
a real token, transformers' default attention (sdpa). --long-context adds inference rows of one sequence at
each length (batch 1), for every inference peer selected.
"""
import argparse
import contextlib
import gc
import json
import os
import statistics
import sys
import tempfile
import time

BERT_VOCAB = 30522
# name: (model_type, layers, hidden, heads, intermediate, vocab), as ModelShape.java has them
SHAPES = {"tiny": ("bert", 2, 128, 2, 512, BERT_VOCAB), "mini": ("bert", 4, 256, 4, 1024, BERT_VOCAB),
          "minilm": ("bert", 6, 384, 12, 1536, BERT_VOCAB), "base": ("bert", 12, 768, 12, 3072, BERT_VOCAB),
          "deberta-v3-base": ("deberta-v2", 12, 768, 12, 3072, 128100),
          "modernbert-base": ("modernbert", 22, 768, 12, 1152, 50368)}

PEERS = ("pytorch-fp32", "pytorch-bf16", "ort-fp32", "ort-int8")
ORT_PEERS = ("ort-fp32", "ort-int8")


def model_for(name):
    """The sequence classifier of a shape, configured as ModelShape.config() configures jbert's."""
    import transformers
    family, layers, hidden, heads, intermediate, vocab = SHAPES[name]
    common = dict(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                  intermediate_size=intermediate, num_labels=2)
    if family == "deberta-v2":
        config = transformers.DebertaV2Config(**common, max_position_embeddings=512, relative_attention=True,
                                              position_buckets=256, max_relative_positions=-1, share_att_key=True,
                                              norm_rel_ebd="layer_norm", position_biased_input=False, type_vocab_size=0,
                                              pos_att_type=["p2c", "c2p"], pooler_hidden_size=hidden, pooler_hidden_act="gelu")
        return transformers.DebertaV2ForSequenceClassification(config)
    if family == "modernbert":
        config = transformers.ModernBertConfig(**common, max_position_embeddings=8192, local_attention=128,
                                               global_attn_every_n_layers=3, classifier_pooling="mean",
                                               classifier_activation="gelu", pad_token_id=50283)
        return transformers.ModernBertForSequenceClassification(config)
    config = transformers.BertConfig(**common)
    return transformers.BertForSequenceClassification(config)


def fresh_model(name):
    """The shape's model with the random weights every peer of the shape uses (seed 0)."""
    import torch
    torch.manual_seed(0)
    return model_for(name)


def input_names(model):
    """The ONNX inputs: token_type_ids only where the family has token types (BERT yes; DeBERTa-v3 with
    type_vocab_size 0 and ModernBERT no)."""
    names = ["input_ids", "attention_mask"]
    if getattr(model.config, "type_vocab_size", 0) > 0:
        names.append("token_type_ids")
    return names


def batches(spec, shapes):
    """'tiny=32,base=8' -> {'tiny': 32, 'base': 8}"""
    out = {}
    for part in filter(None, spec.split(",")):
        name, size = part.split("=")
        out[name] = int(size)
    missing = [s for s in shapes if s not in out]
    if missing:
        sys.exit(f"no batch size given for {missing}")
    return out


def peers(spec):
    chosen = [p.strip() for p in spec.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PEERS]
    if unknown or not chosen:
        sys.exit(f"unknown peers {unknown}; choose from {','.join(PEERS)}")
    return [p for p in PEERS if p in chosen]


def timed(step, warmup, steps):
    seconds = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        step()
        if i >= warmup:
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def row(name, mode, batch, length, median, peer, **extra):
    runtime, precision = peer.split("-")
    return {"shape": name, "mode": mode, "batch": batch, "length": length, "sequences_per_second": batch / median,
            "median_seconds": median, "runtime": "pytorch" if runtime == "pytorch" else "onnxruntime",
            "precision": precision, **extra}


def one_line(e):
    text = f"{type(e).__name__}: {e}".strip().splitlines()
    return text[0][:300] if text else type(e).__name__


def logits_module(model, names):
    """Wraps a classifier so that export sees plain tensors in (names, in this order) and the logits out."""
    import torch

    class TwoInputs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    class ThreeInputs(TwoInputs):
        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    if names not in (["input_ids", "attention_mask"], ["input_ids", "attention_mask", "token_type_ids"]):
        raise ValueError(f"unsupported inputs {names}")
    return ThreeInputs() if "token_type_ids" in names else TwoInputs()


def export_onnx(model, names, example, path):
    """Exports the eval-mode model to ONNX with dynamic batch and sequence axes; the dynamo exporter first,
    the TorchScript one when dynamo fails. Returns the exporter used."""
    import torch
    wrapped = logits_module(model, names)
    args = tuple(example[n] for n in names)
    batch, seq = torch.export.Dim("batch", min=1), torch.export.Dim("sequence", min=1)
    exporters = {
        "dynamo": lambda: torch.onnx.export(wrapped, args, path, dynamo=True, input_names=names,
                                            output_names=["logits"], dynamic_shapes={n: {0: batch, 1: seq} for n in names},
                                            external_data=False, verbose=False),
        "torchscript": lambda: torch.onnx.export(wrapped, args, path, dynamo=False, input_names=names,
                                                 output_names=["logits"], opset_version=17,
                                                 dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names + ["logits"]}),
    }
    errors = []
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the JSON alone
        for exporter, export in exporters.items():
            try:
                export()
                return exporter
            except Exception as e:  # noqa: BLE001 - any exporter failure falls back, then is reported
                errors.append(f"{exporter}: {one_line(e)}")
    raise RuntimeError("; ".join(errors))


def quantize_int8(src, dst, per_channel=False):
    """quantize_dynamic QInt8, per-tensor (its default) unless per_channel. The dynamo exporter's value_info
    annotations can disagree with ONNX shape inference, which quantize_dynamic runs; they are optional, so a
    copy without them is quantized."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    model = onnx.load(src)
    del model.graph.value_info[:]
    plain = src + ".plain.onnx"
    onnx.save(model, plain)
    del model
    with contextlib.redirect_stdout(sys.stderr):
        quantize_dynamic(plain, dst, weight_type=QuantType.QInt8, per_channel=per_channel)
    os.remove(plain)


def ort_session(path, threads):
    """CPU provider, intra-op threads as given, inter-op 1, sequential execution, every graph optimization."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", default="tiny,mini,minilm,base")
    p.add_argument("--train-batch", required=True, help="per shape, e.g. tiny=32,mini=32,minilm=16,base=8")
    p.add_argument("--inference-batch", required=True, help="per shape, e.g. tiny=32,mini=32,minilm=32,base=8")
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own choice)")
    p.add_argument("--long-context", default="", help="lengths of single-sequence inference passes, e.g. 512,2048,8192")
    p.add_argument("--peers", default=",".join(PEERS),
                   help=f"which peers to measure, comma-separated, from {','.join(PEERS)} (default: all)")
    a = p.parse_args()
    try:
        import torch
        import transformers
    except ImportError as e:
        print(f"Python has no {e.name}", file=sys.stderr)
        sys.exit(3)
    if a.threads:
        torch.set_num_threads(a.threads)
    threads = torch.get_num_threads()
    shapes = [s.strip() for s in a.shapes.split(",") if s.strip()]
    train_batch, inference_batch = batches(a.train_batch, shapes), batches(a.inference_batch, shapes)
    chosen = peers(a.peers)
    long_lengths = [int(x) for x in a.long_context.split(",") if x.strip()]

    skipped = []
    ort_version = None
    if any(pe in ORT_PEERS for pe in chosen):
        try:
            import onnx  # noqa: F401
            import onnxruntime
            ort_version = onnxruntime.__version__
        except ImportError as e:
            skipped.append({"peers": [pe for pe in chosen if pe in ORT_PEERS], "shape": None,
                            "reason": f"Python has no {e.name}"})
            chosen = [pe for pe in chosen if pe not in ORT_PEERS]
    torch_peers = [pe for pe in chosen if pe.startswith("pytorch")]
    ort_peers = [pe for pe in chosen if pe in ORT_PEERS]

    rows = []
    for name in shapes:
        vocab = SHAPES[name][5]
        model = fresh_model(name).eval()
        names = input_names(model)
        generator = torch.Generator().manual_seed(1)

        def inputs(batch, length):
            ids = torch.randint(1000, vocab, (batch, length), generator=generator)
            feeds = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
            if "token_type_ids" in names:
                feeds["token_type_ids"] = torch.zeros_like(ids)
            return feeds

        # every inference batch: the regular one, then the single long sequences
        passes = [(inference_batch[name], a.length, a.warmup, a.steps)]
        passes += [(1, length, 0, 1 if length >= 4096 else 3) for length in long_lengths]
        passes = [(b, length, warmup, steps, inputs(b, length)) for b, length, warmup, steps in passes]
        low_precision = {}  # row -> its logits, checked against PyTorch float32 once every timing of the model is done
        for peer in torch_peers:
            bf16 = peer == "pytorch-bf16"
            for b, length, warmup, steps, feeds in passes:
                def infer():
                    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                        return model(**feeds).logits

                median = timed(infer, warmup, steps)
                rows.append(row(name, "inference", b, length, median, peer))
                if bf16:
                    low_precision[len(rows) - 1] = (b, length, infer().float())
                print(f"{name}: {peer} inference batch {b} length {length} done", file=sys.stderr)
        reference = {}  # (batch, length) -> PyTorch float32 logits
        if any(pe != "pytorch-fp32" for pe in chosen):
            with torch.inference_mode():
                for b, length, _, _, feeds in passes:
                    reference[(b, length)] = model(**feeds).logits.float()
        for i, (b, length, logits) in low_precision.items():
            rows[i]["max_abs_diff_vs_fp32"] = (logits - reference[(b, length)]).abs().max().item()

        # ONNX Runtime: exported from the untrained weights now, run after PyTorch's training so that its
        # spinning thread pool never overlaps a PyTorch measurement
        workdir = tempfile.TemporaryDirectory(prefix="jbert-onnx-") if ort_peers else None
        exported = {}
        exporter = None
        if ort_peers:
            fp32_path = os.path.join(workdir.name, "model.onnx")
            example = inputs(max(2, inference_batch[name]), a.length)
            try:
                start = time.perf_counter()
                exporter = export_onnx(model, names, example, fp32_path)
                exported["ort-fp32"] = fp32_path
                print(f"{name}: exported to ONNX ({exporter}) in {time.perf_counter() - start:.1f} s", file=sys.stderr)
            except Exception as e:  # noqa: BLE001
                skipped.append({"peers": ort_peers, "shape": name, "reason": "ONNX export failed: " + one_line(e)})
            if "ort-int8" in ort_peers and exported:
                int8_path = os.path.join(workdir.name, "model.int8.onnx")
                try:
                    quantize_int8(fp32_path, int8_path)
                    exported["ort-int8"] = int8_path
                except Exception as e:  # noqa: BLE001
                    skipped.append({"peers": ["ort-int8"], "shape": name, "reason": "quantize_dynamic failed: " + one_line(e)})
            if "ort-fp32" not in ort_peers:
                exported.pop("ort-fp32", None)
        del model
        gc.collect()

        b = train_batch[name]
        train_feeds = inputs(b, a.length)
        labels = torch.randint(0, 2, (b,), generator=generator)
        for peer in torch_peers:
            model = fresh_model(name).train()
            optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
            bf16 = peer == "pytorch-bf16"

            def train():
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    loss = model(**train_feeds, labels=labels).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)

            median = timed(train, a.warmup, a.steps)
            rows.append(row(name, "training", b, a.length, median, peer))
            print(f"{name}: {peer} training done", file=sys.stderr)
            del model, optimizer
            gc.collect()

        for peer in ort_peers:
            if peer not in exported:
                continue
            session = ort_session(exported[peer], threads)
            for b, length, warmup, steps, feeds in passes:
                arrays = {n: feeds[n].numpy() for n in names}

                def infer():
                    return session.run(None, arrays)[0]

                median = timed(infer, warmup, steps)
                diff = float(abs(torch.from_numpy(infer()) - reference[(b, length)]).max())
                rows.append(row(name, "inference", b, length, median, peer, max_abs_diff_vs_fp32=diff,
                                exporter=exporter))
                print(f"{name}: {peer} inference batch {b} length {length} done", file=sys.stderr)
            del session
            gc.collect()
        if workdir is not None:
            workdir.cleanup()
        print(f"{name}: done", file=sys.stderr)

    # float32 PyTorch rows first: a reader matching on shape, mode, batch and length alone finds them
    rows.sort(key=lambda r: (r["runtime"], r["precision"]) != ("pytorch", "fp32"))
    out = {"torch": torch.__version__, "transformers": transformers.__version__}
    if ort_version is not None:
        out["onnxruntime"] = ort_version
    out.update({"threads": threads, "peers": chosen, "rows": rows, "skipped": skipped})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

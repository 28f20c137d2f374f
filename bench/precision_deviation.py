#!/usr/bin/env python3
"""How far the peers' own low precision lies from float32, on the project's golden fixtures.

jbert's precision tests (bf16 training, int8 inference) need tolerances: how far from the float32 oracle
may a reduced-precision result lie and still be right? This script grounds those tolerances in what the
peers users compare jbert with do themselves. On each fixture model folder (testdata/fixtures/seq-cls,
token-cls and families/<family>/{seq-cls,token-cls}; see testdata/fixtures/README.md) it records:

  inference, on the reference.json inputs (all positions, padding included, as the fixture logits hold them):
    fp32 vs reference    max |logits_fp32 - reference logits|: transformers reloading the folder (eager
                         attention, eval mode) reproduces the oracle; a sanity check, ~1e-6
    bf16 autocast        max |logits under torch.autocast("cpu", dtype=torch.bfloat16) - logits_fp32|, and
                         the same divided by max |logits_fp32|
    ORT int8             max |logits - logits_fp32| of ONNX Runtime running
                         onnxruntime.quantization.quantize_dynamic(export, weight_type=QuantType.QInt8) of the
                         folder's model exported to ONNX (dynamo exporter, TorchScript as fallback), per-tensor
                         (the default) and per_channel=True; absolute and relative to max |logits_fp32|.
                         quantize_dynamic's defaults quantize the MatMuls with constant weights and the
                         embedding Gathers; ORT fp32 on the same export is recorded as a check of the export
  training, on seq-cls folders with train_trajectory.json (Trainer's recipe rebuilt from its parts: AdamW
  with the no_decay group, linear warm-up then decay, clipping to the recipe's norm, dropout 0, the recorded
  batches cycled):
    fp32 replay          max |Δ| of losses, grad norms (before clipping) and final parameters from the recorded
                         ones: the replay reproduces the oracle (~1e-6; it must hold to 1e-5)
    bf16 replay          the same recipe with torch.autocast("cpu", dtype=torch.bfloat16) around forward and
                         loss (float32 master weights, backward, clipping and AdamW outside, as Trainer --bf16
                         on CPU): the worst relative deviation from the recorded float32 run of the losses
                         (max over steps of |Δ| / |recorded|), the grad norms (likewise) and the final
                         parameters (max over tensors of max |Δ| / max |recorded|); step 0 (same weights as
                         the recorded run, so one step's bf16 error without compounding) separately, and every
                         step's relative deviation in the JSON

Prints Markdown tables and writes the numbers to bench/precision_deviation.json. Needs torch, transformers,
onnx, onnxscript and onnxruntime (bench/pytorch_bench.py's peers); one thread, a couple of minutes.
A family whose export or quantization fails is listed under "skipped" with the reason.
"""
import argparse
import collections
import json
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # leave no __pycache__ in bench/
from pytorch_bench import export_onnx, one_line, ort_session, quantize_int8  # noqa: E402  (the bench's own peers)

FAMILIES = ("distilbert", "electra", "roberta", "xlm-roberta", "deberta-v2", "modernbert")
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def folders(root):
    """(label, task, folder) of every fixture model folder measured, BERT first."""
    out = [("bert/seq-cls", "seq-cls", root / "seq-cls"), ("bert/token-cls", "token-cls", root / "token-cls")]
    for family in FAMILIES:
        for task in ("seq-cls", "token-cls"):
            out.append((f"{family}/{task}", task, root / "families" / family / task))
    return out


def load(folder, task):
    import transformers
    auto = (transformers.AutoModelForSequenceClassification if task == "seq-cls"
            else transformers.AutoModelForTokenClassification)
    return auto.from_pretrained(folder, attn_implementation="eager").eval()


def input_keys(model, available):
    """The model inputs among those given: token_type_ids only where the family has token types
    (DeBERTa-v3's type_vocab_size 0 ignores them; DistilBERT, RoBERTa's fixtures and ModernBERT give none)."""
    keys = [k for k in INPUT_NAMES if k in available]
    if "token_type_ids" in keys and getattr(model.config, "type_vocab_size", 0) == 0:
        keys.remove("token_type_ids")
    return keys


def max_abs(a, b):
    return float((a.float() - b.float()).abs().max())


def relative(diff, scale):
    return diff / scale if scale else math.inf


def inference(label, task, folder, workdir, skipped):
    """The inference deviations of one folder."""
    import numpy as np
    import torch
    reference = json.loads((folder / "reference.json").read_text())
    records = reference.get("inputs") or reference["inputs_continuation_I"]  # BERT token-cls has two policies
    model = load(folder, task)
    names = input_keys(model, records[0])
    feeds = {k: torch.tensor([r[k] for r in records]) for k in names}
    expected = torch.tensor(reference["logits"])

    with torch.no_grad():
        fp32 = model(**feeds).logits.float()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            bf16 = model(**feeds).logits.float()
    scale = float(fp32.abs().max())
    # token classification: also over real tokens alone (padding positions' logits mean nothing)
    real = feeds["attention_mask"].bool() if task == "token-cls" else None

    def deviation(low):
        diff = max_abs(low, fp32)
        out = {"max_abs": diff, "relative": relative(diff, scale),
               "argmax_changed": int((low.argmax(-1) != fp32.argmax(-1)).sum())}
        if real is not None:
            out["real_tokens_max_abs"] = max_abs(low[real], fp32[real])
            out["argmax_changed"] = int((low.argmax(-1) != fp32.argmax(-1))[real].sum())
        return out

    out = {"inputs": names, "logits_shape": list(fp32.shape), "max_abs_logit_fp32": scale,
           "fp32_vs_reference": max_abs(fp32, expected), "bf16_autocast": deviation(bf16)}

    fp32_path = os.path.join(workdir, label.replace("/", "_") + ".onnx")
    try:
        out["exporter"] = export_onnx(model, names, feeds, fp32_path)
    except Exception as e:  # noqa: BLE001 - reported, the other folders go on
        skipped.append({"folder": label, "what": "ONNX Runtime rows", "reason": "ONNX export failed: " + one_line(e)})
        return out
    arrays = {k: v.numpy() for k, v in feeds.items()}

    def run(path):
        return torch.from_numpy(np.asarray(ort_session(path, torch.get_num_threads()).run(None, arrays)[0]))

    out["ort_fp32_vs_fp32"] = max_abs(run(fp32_path), fp32)
    for key, per_channel in (("ort_int8_per_tensor", False), ("ort_int8_per_channel", True)):
        path = fp32_path.replace(".onnx", f".{key}.onnx")
        try:
            quantize_int8(fp32_path, path, per_channel=per_channel)
        except Exception as e:  # noqa: BLE001
            skipped.append({"folder": label, "what": key, "reason": "quantize_dynamic failed: " + one_line(e)})
            continue
        out[key] = {**deviation(run(path)), "quantized_ops": quantized_ops(path)}
    return out


def quantized_ops(path):
    """What quantize_dynamic turned into integer arithmetic: MatMulInteger nodes and dequantized Gathers."""
    import onnx
    graph = onnx.load(path).graph
    ops = collections.Counter(n.op_type for n in graph.node)
    return {"MatMulInteger": ops.get("MatMulInteger", 0), "DequantizeLinear": ops.get("DequantizeLinear", 0)}


def replay(folder, trajectory, bf16):
    """Replays the trajectory's ten steps; float32, or bf16 autocast around forward and loss."""
    import torch
    import transformers
    recipe = trajectory["recipe"]
    if recipe["schedule"] != "linear":
        raise ValueError(f"unexpected schedule {recipe['schedule']}")
    model = load(folder, "seq-cls").train()  # dropout is 0 in the fixture configs
    params = dict(model.named_parameters())
    no_decay = set(trajectory["no_decay"])
    if no_decay - params.keys():
        raise ValueError(f"no_decay names unknown to the model: {sorted(no_decay - params.keys())[:3]}")
    groups = [{"params": [p for n, p in params.items() if n not in no_decay], "weight_decay": recipe["weight_decay"]},
              {"params": [p for n, p in params.items() if n in no_decay], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=recipe["lr"], betas=tuple(recipe["betas"]), eps=recipe["eps"])
    schedule = transformers.get_linear_schedule_with_warmup(optimizer, recipe["warmup_steps"], recipe["steps"])
    keys = input_keys(model, trajectory["batches"][0])
    batches = [{k: torch.tensor(b[k]) for k in keys + ["labels"]} for b in trajectory["batches"]]

    losses, grad_norms, lrs = [], [], []
    for step in range(recipe["steps"]):
        lrs.append(optimizer.param_groups[0]["lr"])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(**batches[step % len(batches)]).loss
        loss.backward()
        grad_norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), recipe["max_grad_norm"])))
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss))
    final = {n: params[n].detach().clone() for n in trajectory["final"]}
    return losses, grad_norms, lrs, final


def training(folder):
    """The fp32 replay's agreement with the recorded trajectory and the bf16 replay's deviation from it."""
    import torch
    trajectory = json.loads((folder / "train_trajectory.json").read_text())
    recorded_final = {n: torch.tensor(v) for n, v in trajectory["final"].items()}

    def compare(run):
        losses, grad_norms, lrs, final = run
        pairs = {"losses": (losses, trajectory["losses"]), "grad_norms": (grad_norms, trajectory["grad_norms"])}
        absolute = {k: max(abs(a - b) for a, b in zip(*v)) for k, v in pairs.items()}
        rel = {k: max(abs(a - b) / abs(b) for a, b in zip(*v)) for k, v in pairs.items()}
        absolute["final"] = max(max_abs(final[n], t) for n, t in recorded_final.items())
        rel["final"] = max(relative(max_abs(final[n], t), float(t.abs().max())) for n, t in recorded_final.items())
        absolute["lrs"] = max(abs(a - b) for a, b in zip(lrs, trajectory["lrs"]))
        per_step = {k: [abs(a - b) / abs(b) for a, b in zip(*v)] for k, v in pairs.items()}
        return {"max_abs": absolute, "relative": rel, "per_step_relative": per_step}

    fp32, bf16 = compare(replay(folder, trajectory, False)), compare(replay(folder, trajectory, True))
    fp32["reproduces_recorded"] = fp32["max_abs"]["losses"] <= 1e-5 and fp32["relative"]["final"] <= 1e-5
    return {"steps": trajectory["recipe"]["steps"], "final_tensors": sorted(recorded_final),
            "fp32_replay": fp32, "bf16_replay": bf16}


def markdown(results):
    def e(x):
        return "–" if x is None else f"{x:.1e}"

    def get(d, *path):
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d

    lines = ["| fixture | fp32 vs ref | bf16 max abs | bf16 rel | ORT fp32 vs fp32 | int8 per-tensor abs | rel "
             "| int8 per-channel abs | rel |", "|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        i = r["inference"]
        lines.append(f"| {label} | {e(i['fp32_vs_reference'])} | {e(get(i, 'bf16_autocast', 'max_abs'))} "
                     f"| {e(get(i, 'bf16_autocast', 'relative'))} | {e(i.get('ort_fp32_vs_fp32'))} "
                     f"| {e(get(i, 'ort_int8_per_tensor', 'max_abs'))} | {e(get(i, 'ort_int8_per_tensor', 'relative'))} "
                     f"| {e(get(i, 'ort_int8_per_channel', 'max_abs'))} | {e(get(i, 'ort_int8_per_channel', 'relative'))} |")
    lines += ["", "| fixture (10 steps) | fp32 replay: loss abs | grad norm abs | final abs | bf16 replay: loss rel "
              "| grad norm rel | final param rel | bf16 step 0: loss rel | grad norm rel |",
              "|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        t = r.get("training")
        if t:
            f, b = t["fp32_replay"], t["bf16_replay"]
            lines.append(f"| {label} | {e(f['max_abs']['losses'])} | {e(f['max_abs']['grad_norms'])} "
                         f"| {e(f['max_abs']['final'])} | {e(b['relative']['losses'])} "
                         f"| {e(b['relative']['grad_norms'])} | {e(b['relative']['final'])} "
                         f"| {e(b['per_step_relative']['losses'][0])} | {e(b['per_step_relative']['grad_norms'][0])} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fixtures", type=Path, default=HERE.parent / "testdata" / "fixtures")
    p.add_argument("--out", type=Path, default=HERE / "precision_deviation.json")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    import onnxruntime
    import torch
    import transformers
    torch.set_num_threads(a.threads)

    results, skipped = {}, []
    with tempfile.TemporaryDirectory(prefix="jbert-precision-") as workdir:
        for label, task, folder in folders(a.fixtures):
            if not (folder / "config.json").is_file():
                skipped.append({"folder": label, "what": "all", "reason": f"{folder} not found"})
                continue
            print(f"{label}: inference", file=sys.stderr)
            results[label] = {"inference": inference(label, task, folder, workdir, skipped)}
            if task == "seq-cls" and (folder / "train_trajectory.json").is_file():
                print(f"{label}: training trajectory", file=sys.stderr)
                results[label]["training"] = training(folder)

    table = markdown(results)
    print(table)
    if skipped:
        print("\nskipped:\n" + "\n".join(f"- {s['folder']} ({s['what']}): {s['reason']}" for s in skipped))
    document = {"what": __doc__.split("\n\n")[0], "torch": torch.__version__, "transformers": transformers.__version__,
                "onnxruntime": onnxruntime.__version__, "threads": torch.get_num_threads(),
                "cpu_capability": torch.backends.cpu.get_cpu_capability(), "results": results, "skipped": skipped}
    a.out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"\nwrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

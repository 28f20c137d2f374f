#!/usr/bin/env python3
"""The PyTorch side of `jbert bench`: the same shapes, batch sizes, length, warm-up and timed steps,
measured with PyTorch and transformers on this machine. Optional: jbert never needs Python; the
harness runs this script when a Python with torch and transformers is available and prints the
figures beside its own, with the ratio per row.

Prints JSON on stdout: {"torch", "transformers", "threads", "rows": [{"shape", "mode", "batch",
"length", "sequences_per_second", "median_seconds"}]}. Exits with status 3 when torch or
transformers cannot be imported.

Training step = forward, backward, gradient clipping to norm 1, AdamW (as Hugging Face Trainer does);
inference = a forward pass under torch.inference_mode(). Random weights, dropout 0.1 in training,
every position a real token, float32.
"""
import argparse
import json
import statistics
import sys
import time

SHAPES = {"tiny": (2, 128, 2), "mini": (4, 256, 4), "minilm": (6, 384, 12), "base": (12, 768, 12)}
VOCAB = 30522


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


def timed(step, warmup, steps):
    seconds = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        step()
        if i >= warmup:
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", default="tiny,mini,minilm,base")
    p.add_argument("--train-batch", required=True, help="per shape, e.g. tiny=32,mini=32,minilm=16,base=8")
    p.add_argument("--inference-batch", required=True, help="per shape, e.g. tiny=32,mini=32,minilm=32,base=8")
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own choice)")
    a = p.parse_args()
    try:
        import torch
        import transformers
    except ImportError as e:
        print(f"Python has no {e.name}", file=sys.stderr)
        sys.exit(3)
    if a.threads:
        torch.set_num_threads(a.threads)
    shapes = [s.strip() for s in a.shapes.split(",") if s.strip()]
    train_batch, inference_batch = batches(a.train_batch, shapes), batches(a.inference_batch, shapes)

    rows = []
    for name in shapes:
        layers, hidden, heads = SHAPES[name]
        config = transformers.BertConfig(vocab_size=VOCAB, hidden_size=hidden, num_hidden_layers=layers,
                                         num_attention_heads=heads, intermediate_size=4 * hidden, num_labels=2)
        torch.manual_seed(0)
        model = transformers.BertForSequenceClassification(config)

        b = inference_batch[name]
        ids = torch.randint(1000, VOCAB, (b, a.length))
        mask = torch.ones_like(ids)
        model.eval()

        def infer():
            with torch.inference_mode():
                model(input_ids=ids, attention_mask=mask)

        median = timed(infer, a.warmup, a.steps)
        rows.append({"shape": name, "mode": "inference", "batch": b, "length": a.length,
                     "sequences_per_second": b / median, "median_seconds": median})

        b = train_batch[name]
        ids = torch.randint(1000, VOCAB, (b, a.length))
        mask = torch.ones_like(ids)
        labels = torch.randint(0, 2, (b,))
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)

        def train():
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        median = timed(train, a.warmup, a.steps)
        rows.append({"shape": name, "mode": "training", "batch": b, "length": a.length,
                     "sequences_per_second": b / median, "median_seconds": median})
        print(f"{name}: done", file=sys.stderr)

    json.dump({"torch": torch.__version__, "transformers": transformers.__version__,
               "threads": torch.get_num_threads(), "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The PyTorch side of `jbert bench`: the same shapes, batch sizes, length, warm-up and timed steps,
measured with PyTorch and transformers on this machine. Optional: jbert never needs Python; the
harness runs this script when a Python with torch and transformers is available and prints the
figures beside its own, with the ratio per row.

Prints JSON on stdout: {"torch", "transformers", "threads", "rows": [{"shape", "mode", "batch",
"length", "sequences_per_second", "median_seconds"}]}. Exits with status 3 when torch or
transformers cannot be imported.

Training step = forward, backward, gradient clipping to norm 1, AdamW (as Hugging Face Trainer does);
inference = a forward pass under torch.inference_mode(). Random weights, the released checkpoints'
dropout in training, every position a real token, float32, transformers' default attention (sdpa).
--long-context adds inference rows of one sequence at each length (batch 1).
"""
import argparse
import json
import statistics
import sys
import time

BERT_VOCAB = 30522
# name: (model_type, layers, hidden, heads, intermediate, vocab), as ModelShape.java has them
SHAPES = {"tiny": ("bert", 2, 128, 2, 512, BERT_VOCAB), "mini": ("bert", 4, 256, 4, 1024, BERT_VOCAB),
          "minilm": ("bert", 6, 384, 12, 1536, BERT_VOCAB), "base": ("bert", 12, 768, 12, 3072, BERT_VOCAB),
          "deberta-v3-base": ("deberta-v2", 12, 768, 12, 3072, 128100),
          "modernbert-base": ("modernbert", 22, 768, 12, 1152, 50368)}


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
    p.add_argument("--long-context", default="", help="lengths of single-sequence inference passes, e.g. 512,2048,8192")
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
    long_lengths = [int(x) for x in a.long_context.split(",") if x.strip()]
    for name in shapes:
        vocab = SHAPES[name][5]
        torch.manual_seed(0)
        model = model_for(name)

        b = inference_batch[name]
        ids = torch.randint(1000, vocab, (b, a.length))
        mask = torch.ones_like(ids)
        model.eval()

        def infer():
            with torch.inference_mode():
                model(input_ids=ids, attention_mask=mask)

        median = timed(infer, a.warmup, a.steps)
        rows.append({"shape": name, "mode": "inference", "batch": b, "length": a.length,
                     "sequences_per_second": b / median, "median_seconds": median})

        for length in long_lengths:
            long_ids = torch.randint(1000, vocab, (1, length))
            long_mask = torch.ones_like(long_ids)

            def infer_long():
                with torch.inference_mode():
                    model(input_ids=long_ids, attention_mask=long_mask)

            median = timed(infer_long, 0, 1 if length >= 4096 else 3)
            rows.append({"shape": name, "mode": "inference", "batch": 1, "length": length,
                         "sequences_per_second": 1 / median, "median_seconds": median})
            print(f"{name}: long context {length} done", file=sys.stderr)

        b = train_batch[name]
        ids = torch.randint(1000, vocab, (b, a.length))
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

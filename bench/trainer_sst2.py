#!/usr/bin/env python3
"""Hugging Face Trainer on a single-sentence classification TSV, for comparing a jbert training run with the one
users would otherwise run: the same model folder, data, batch size, learning rate, schedule, weight decay, length
limit with dynamic padding, seed and epochs. Optional: jbert never needs Python (bench/sst2_epoch.sh runs both).

Prints JSON as the last line on stdout (Trainer logs there too): {"torch", "transformers", "threads", "steps", "train_seconds", "seconds_per_step",
"eval_seconds", "accuracy", "f1_macro", "examples"}. Exits with status 3 when torch or transformers cannot be
imported.
"""
import argparse
import csv
import json
import sys
import time


def read_tsv(path, text_column, label_column):
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        t, l = header.index(text_column), header.index(label_column)
        for row in reader:
            texts.append(row[t])
            labels.append(row[l])
    return texts, labels


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="a Hugging Face model folder")
    p.add_argument("--train", required=True)
    p.add_argument("--validation", required=True)
    p.add_argument("--text-column", default="sentence")
    p.add_argument("--label-column", default="label")
    p.add_argument("--output", required=True)
    p.add_argument("--epochs", type=float, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--eval-batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup-ratio", type=float, default=0.1)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--group-by-length", action="store_true")
    a = p.parse_args()
    try:
        import numpy as np
        import torch
        import transformers
    except ImportError as e:
        print(f"Python has no {e.name}", file=sys.stderr)
        sys.exit(3)

    train_texts, train_labels = read_tsv(a.train, a.text_column, a.label_column)
    dev_texts, dev_labels = read_tsv(a.validation, a.text_column, a.label_column)
    names = sorted(set(train_labels))
    label2id = {n: i for i, n in enumerate(names)}
    tokenizer = transformers.AutoTokenizer.from_pretrained(a.model)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(
        a.model, num_labels=len(names), id2label=dict(enumerate(names)), label2id=label2id)

    class Encoded(torch.utils.data.Dataset):
        def __init__(self, texts, labels):
            self.enc = tokenizer(texts, truncation=True, max_length=a.max_length)
            self.labels = [label2id[l] for l in labels]

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, i):
            item = {k: v[i] for k, v in self.enc.items()}
            item["labels"] = self.labels[i]
            return item

    train_set, dev_set = Encoded(train_texts, train_labels), Encoded(dev_texts, dev_labels)

    def metrics(pred):
        predicted = np.argmax(pred.predictions, axis=-1)
        gold = pred.label_ids
        f1s = []
        for c in range(len(names)):
            tp = np.sum((predicted == c) & (gold == c))
            fp = np.sum((predicted == c) & (gold != c))
            fn = np.sum((predicted != c) & (gold == c))
            f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        return {"accuracy": float(np.mean(predicted == gold)), "f1_macro": float(np.mean(f1s))}

    args = transformers.TrainingArguments(
        output_dir=a.output, num_train_epochs=a.epochs, max_steps=a.max_steps, per_device_train_batch_size=a.batch,
        per_device_eval_batch_size=a.eval_batch, learning_rate=a.lr, weight_decay=a.weight_decay,
        # transformers 5: a float warm-up below 1 is a ratio, and length grouping is a sampling strategy
        warmup_steps=a.warmup_ratio, lr_scheduler_type="linear", seed=a.seed, eval_strategy="no", save_strategy="no",
        logging_steps=50, report_to=[], dataloader_num_workers=0, use_cpu=True,
        train_sampling_strategy="group_by_length" if a.group_by_length else "random")
    trainer = transformers.Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=dev_set,
                                   data_collator=transformers.DataCollatorWithPadding(tokenizer),
                                   compute_metrics=metrics)
    start = time.perf_counter()
    result = trainer.train()
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    evaluation = trainer.evaluate()
    eval_seconds = time.perf_counter() - start
    steps = result.global_step
    json.dump({"torch": torch.__version__, "transformers": transformers.__version__, "threads": torch.get_num_threads(),
               "examples": len(train_set), "steps": steps, "train_seconds": train_seconds,
               "seconds_per_step": train_seconds / max(1, steps), "eval_seconds": eval_seconds,
               "accuracy": evaluation["eval_accuracy"], "f1_macro": evaluation["eval_f1_macro"]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

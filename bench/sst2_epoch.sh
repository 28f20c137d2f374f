#!/usr/bin/env bash
# One epoch of SST-2 fine-tuning with jbert and with Hugging Face Trainer, same recipe, one after the other on
# this machine: all-MiniLM-L6-v2, batch 32, lr 5e-5, weight decay 0.01, warm-up 0.1 then linear decay, length
# <= 128 with dynamic padding, seed 42; evaluation on dev. Prints a Markdown table of times and dev metrics.
#
#   bench/sst2_epoch.sh [DATA_DIR] [MODEL_DIR] [PYTHON] [extra jbert train options, e.g. --group-by-length]
#
# DATA_DIR holds train.tsv and dev.tsv (default ../shared/data/sst2); MODEL_DIR a Hugging Face folder of the model
# for Trainer (default ../shared/data/all-MiniLM-L6-v2; jbert uses its built-in copy of the same model). PYTHON
# needs torch and transformers; without them only the jbert row is printed. Set TRAINER_OPTIONS for the Trainer
# side (--group-by-length, --max-steps N). Nothing is downloaded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$here/../shared/data/sst2}"
model="${2:-$here/../shared/data/all-MiniLM-L6-v2}"
python="${3:-python3}"
shift $(( $# < 3 ? $# : 3 ))
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

start=$(date +%s.%N)
"$here/jbert" train --train "$data/train.tsv" --validation "$data/dev.tsv" --output "$out/jbert" \
  --num-train-epochs 1 --per-device-train-batch-size 32 --learning-rate 5e-5 --weight-decay 0.01 --warmup-ratio 0.1 \
  --lr-scheduler-type linear --max-seq-length 128 --seed 42 --save-strategy no --logging-steps 100 "$@" >&2
jbert_wall=$(python3 -c "print($(date +%s.%N) - $start)")
jbert_row=$(python3 - "$out/jbert" "$jbert_wall" <<'PY'
import json, sys
run, wall = sys.argv[1], float(sys.argv[2])
steps = [json.loads(l) for l in open(run + "/log.jsonl") if '"type":"step"' in l]
train = sum(s["seconds"] for s in steps)
metrics = json.load(open(run + "/report.json"))["metrics"]
print(f"| jbert | {len(steps)} | {train:.0f} | {train / len(steps):.3f} | {wall:.0f} | {metrics['accuracy']:.4f} | {metrics['f1_macro']:.4f} |")
PY
)

trainer_row="| Hugging Face Trainer | not run: $python has no torch/transformers | | | | | |"
start=$(date +%s.%N)
if "$python" "$here/bench/trainer_sst2.py" --model "$model" --train "$data/train.tsv" --validation "$data/dev.tsv" \
     --output "$out/trainer" --epochs 1 --batch 32 --lr 5e-5 --weight-decay 0.01 --warmup-ratio 0.1 --max-length 128 \
     --seed 42 ${TRAINER_OPTIONS:-} > "$out/trainer.json" 2> "$out/trainer.log"; then
  trainer_wall=$(python3 -c "print($(date +%s.%N) - $start)")
  trainer_row=$(python3 - "$out/trainer.json" "$trainer_wall" <<'PY'
import json, sys
# Trainer prints its own logs on stdout too: the result is the last line
r, wall = json.loads([l for l in open(sys.argv[1]) if l.strip()][-1]), float(sys.argv[2])
print(f"| Hugging Face Trainer (torch {r['torch']}, transformers {r['transformers']}, {r['threads']} threads) | {r['steps']} | "
      f"{r['train_seconds']:.0f} | {r['seconds_per_step']:.3f} | {wall:.0f} | {r['accuracy']:.4f} | {r['f1_macro']:.4f} |")
PY
)
fi

echo "| run | steps | training s | s per step | whole command s | dev accuracy | dev macro F1 |"
echo "|---|---|---|---|---|---|---|"
echo "$jbert_row"
echo "$trainer_row"

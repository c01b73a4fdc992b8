#!/usr/bin/env bash
# The README's main command: builds the optimised binary and trains RFM on the built-in Pendulum
# task with the `cpu` preset (20,000 steps), writing a run folder under runs/. Extra arguments go to
# `rfm train` (e.g. `bash scripts/main.sh --agent sac --seed 1`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product rfm
rfm=$(swift build -c release --show-bin-path)/rfm
out="runs/main-$(date +%Y%m%d-%H%M%S)"
# One OpenBLAS thread: the cpu preset's small products run faster without a second thread
# (4,000 steps: 49.6 s on one thread, 62.7 s on two, measured on the 2-core build machine).
"$rfm" train --preset cpu --threads "${THREADS:-1}" --out "$out" "$@"
echo "run folder: $out (summary.json, metrics.csv, learning_curve.svg, checkpoints/)"
cat "$out/summary.json"

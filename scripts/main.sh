#!/usr/bin/env bash
# The README's main command. Until training lands it builds the optimised binary and runs the
# benchmarks, writing a report to runs/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product rfm
rfm=$(swift build -c release --show-bin-path)/rfm
out=runs/bench
mkdir -p "$out"
"$rfm" bench gemm --threads "${THREADS:-2}" | tee "$out/gemm.txt"
"$rfm" bench critic-update --threads "${THREADS:-2}" | tee "$out/critic-update.txt"
"$rfm" bench critic-update --threads "${THREADS:-2}" --json > "$out/critic-update.json"
echo "report written to $out/"

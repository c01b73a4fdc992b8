#!/usr/bin/env bash
# Writes docs/results/dmc-table/report.{md,html} and figures/ from the committed runs only (git
# archive of HEAD), so runs still training in the working tree never reach the report. Tables at
# 50k and 100k steps, curves, small multiples, wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
rfm=${RFM:-$(swift build -c release --show-bin-path)/rfm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD docs/results/dmc-table/runs | tar -x -C "$work"
(cd "$work" && "$rfm" report docs/results/dmc-table/runs --out docs/results/dmc-table --at-step 50000,100000 >/dev/null)
rm -rf docs/results/dmc-table/figures
cp -r "$work/docs/results/dmc-table/figures" "$work/docs/results/dmc-table/report.md" "$work/docs/results/dmc-table/report.html" docs/results/dmc-table/
echo "docs/results/dmc-table/report.md"

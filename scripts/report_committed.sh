#!/usr/bin/env bash
# Writes OUT/report.{md,html} and OUT/figures/ from the runs under ROOT that HEAD commits (git
# archive of HEAD), so runs still training in the working tree never reach the report: tables at
# the chosen steps, curves, small multiples, wall-clock.
#   bash scripts/report_committed.sh docs/results/gym-mujoco/runs docs/results/gym-mujoco [50000,100000]
#   RFM=/path/to/rfm …   the binary that draws it (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:?usage: report_committed.sh ROOT OUT [STEPS]}
out=${2:?usage: report_committed.sh ROOT OUT [STEPS]}
steps=${3:-50000,100000}
rfm=$(realpath "${RFM:-$(swift build -c release --show-bin-path)/rfm}")   # absolute: the report runs in a temporary folder
git cat-file -e "HEAD:$root" 2>/dev/null || { echo "report_committed.sh: HEAD commits no runs under $root" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD "$root" | tar -x -C "$work"
(cd "$work" && "$rfm" report "$root" --out "$out" --at-step "$steps" >/dev/null)
mkdir -p "$out"
rm -rf "$out/figures"
cp -r "$work/$out/figures" "$work/$out/report.md" "$work/$out/report.html" "$out/"
echo "$out/report.md"

#!/usr/bin/env bash
# Stages a results sweep's finished runs for a commit: every run folder under ROOT with a
# summary.json (the files ROOT/.gitignore lets through), and nothing of runs still training.
#   bash scripts/stage_runs.sh docs/results/gym-mujoco/runs
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:?usage: stage_runs.sh ROOT, the out: folder of a sweep file}
[ -f "$root/.gitignore" ] || { echo "stage_runs.sh: $root/.gitignore is missing; it keeps checkpoints out of git" >&2; exit 2; }
git rm -r -q --cached --ignore-unmatch "$root" > /dev/null
git add "$root/.gitignore"
find "$root" -name summary.json -print0 | while IFS= read -r -d '' summary; do
    git add "$(dirname "$summary")"
done
git status --short "$root"

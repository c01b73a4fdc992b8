#!/usr/bin/env bash
# Stages the DeepMind Control table's finished runs for a commit: every run folder with a
# summary.json (the files its .gitignore lets through), and nothing of runs still training.
set -euo pipefail
cd "$(dirname "$0")/.."
root=docs/results/dmc-table/runs
git rm -r -q --cached --ignore-unmatch "$root" > /dev/null
git add "$root/.gitignore"
find "$root" -name summary.json -print0 | while IFS= read -r -d '' summary; do
    git add "$(dirname "$summary")"
done
git status --short "$root"

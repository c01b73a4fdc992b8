#!/usr/bin/env bash
# Writes docs/results/dmc-table/report.{md,html} and figures/ from the committed runs only (git
# archive of HEAD), so runs still training in the working tree never reach the report. Tables at
# 50k and 100k steps, curves, small multiples, wall-clock; and, once runs of the authors' code are
# committed (docs/results/dmc-table/authors/, from scripts/reference/authors_dmc_runs.sh),
# docs/results/dmc-table/authors-side-by-side.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rfm=$(realpath "${RFM:-$(swift build -c release --show-bin-path)/rfm}")   # absolute: the report runs in a temporary folder
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD docs/results/dmc-table/runs | tar -x -C "$work"
(cd "$work" && "$rfm" report docs/results/dmc-table/runs --out docs/results/dmc-table --at-step 50000,100000 >/dev/null)
rm -rf docs/results/dmc-table/figures
cp -r "$work/docs/results/dmc-table/figures" "$work/docs/results/dmc-table/report.md" "$work/docs/results/dmc-table/report.html" docs/results/dmc-table/
echo "docs/results/dmc-table/report.md"
if git cat-file -e HEAD:docs/results/dmc-table/authors 2>/dev/null; then
    git archive HEAD docs/results/dmc-table/authors | tar -x -C "$work"
    {
        echo "# The authors' code beside ours (evaluation return, 25 episodes; mean ± population std over finished seeds)"
        echo
        python3 scripts/reference/authors_side_by_side.py --authors "$work/docs/results/dmc-table/authors" \
            --ours "$work/docs/results/dmc-table/runs" --steps 50000,100000
    } > docs/results/dmc-table/authors-side-by-side.md
    echo "docs/results/dmc-table/authors-side-by-side.md"
fi

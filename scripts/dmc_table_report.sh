#!/usr/bin/env bash
# Writes docs/results/dmc-table/report.{md,html} and figures/ from the committed runs only
# (scripts/report_committed.sh: tables at 50k and 100k steps, curves, small multiples,
# wall-clock); and, once runs of the authors' code are committed (docs/results/dmc-table/authors/,
# from scripts/reference/authors_dmc_runs.sh), docs/results/dmc-table/authors-side-by-side.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/report_committed.sh docs/results/dmc-table/runs docs/results/dmc-table 50000,100000
if git cat-file -e HEAD:docs/results/dmc-table/authors 2>/dev/null; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    git archive HEAD docs/results/dmc-table/authors docs/results/dmc-table/runs docs/results/dmc-table/extra-seeds | tar -x -C "$work"
    {
        echo "# The authors' code beside ours (evaluation return, 25 episodes; mean ± population std over finished seeds)"
        echo
        echo "Ours: the table's seeds 0–2 and, where there are any, the extra seeds of docs/results/dmc-table/extra-seeds/."
        echo
        python3 scripts/reference/authors_side_by_side.py --authors "$work/docs/results/dmc-table/authors" \
            --ours "$work/docs/results/dmc-table/runs" --ours "$work/docs/results/dmc-table/extra-seeds" --steps 50000,100000
    } > docs/results/dmc-table/authors-side-by-side.md
    echo "docs/results/dmc-table/authors-side-by-side.md"
fi

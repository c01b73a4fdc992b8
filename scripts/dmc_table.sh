#!/usr/bin/env bash
# Runs (or resumes) the DeepMind Control table's sweeps, two one-thread runs at a time, and stamps
# each finished run's folder with the commit of the binary that trained it (commit.txt). Finished
# runs (a summary.json recording every step) are skipped, so running it again continues the table.
# The sweeps run in turn: RFM and SAC on the eight tasks (experiments/dmc-table.yaml), then the
# diffusion baselines on two of them (experiments/dmc-diffusion.yaml); SPECS="a.yaml b.yaml"
# chooses others.
#   RFM=/path/to/rfm bash scripts/dmc_table.sh      # a copied binary, so rebuilding does not touch it
#     (copy the ReverseFlowMatching_*.resources folders beside it too: a binary without them reads
#     the presets of the build folder it came from, which later builds change)
#   COMMIT=<sha> names the commit that built $RFM (default: HEAD when this script builds it)
set -euo pipefail
cd "$(dirname "$0")/.."
# MuJoCo for the build: the pkg-config file scripts/setup.sh writes (see Package.swift).
export PKG_CONFIG_PATH="$PWD/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
specs=${SPECS:-experiments/dmc-table.yaml experiments/dmc-diffusion.yaml}
root=docs/results/dmc-table/runs

if [ -z "${RFM:-}" ]; then
    bash scripts/setup.sh
    swift build -c release --product rfm
    RFM=$(swift build -c release --show-bin-path)/rfm
    COMMIT=${COMMIT:-$(git rev-parse HEAD)}
fi
: "${COMMIT:?set COMMIT to the commit that built $RFM}"

stamp() {
    # A run is finished once its summary.json exists; stamp the ones not stamped yet.
    find "$root" -name summary.json -print0 2>/dev/null | while IFS= read -r -d '' summary; do
        dir=$(dirname "$summary")
        [ -e "$dir/commit.txt" ] || echo "$COMMIT" > "$dir/commit.txt"
    done
}

( while sleep 60; do stamp; done ) &
stamper=$!
trap 'kill $stamper 2>/dev/null || true' EXIT
for spec in $specs; do
    "$RFM" sweep "$spec" --jobs "${JOBS:-2}" --threads 1
done
stamp

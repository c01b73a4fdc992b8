#!/usr/bin/env bash
# Runs (or resumes) committed-results sweeps, two one-thread runs at a time, and stamps each
# finished run's folder with the commit of the binary that trained it (commit.txt). Finished runs (a
# summary.json recording every step) are skipped, so running it again continues where it stopped.
# The sweep files run in turn; each one's `out:` folder is the one stamped.
#   SPECS="experiments/gym-mujoco.yaml" bash scripts/stamped_sweep.sh
#   RFM=/path/to/rfm COMMIT=<sha> …   a copied binary, so rebuilding does not touch it (copy the
#     ReverseFlowMatching_*.resources folders beside it too: a binary without them reads the presets
#     of the build folder it came from, which later builds change); COMMIT names the commit that
#     built it (default: HEAD when this script builds it)
#   JOBS=1 …                          runs at a time (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPECS:?set SPECS to the sweep files to run, e.g. SPECS=experiments/gym-mujoco.yaml}"
# MuJoCo for the build: the pkg-config file scripts/setup.sh writes (see Package.swift).
export PKG_CONFIG_PATH="$PWD/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

roots=()
for spec in $SPECS; do
    [ -f "$spec" ] || { echo "stamped_sweep.sh: no sweep file $spec" >&2; exit 2; }
    root=$(sed -n 's/^out:[[:space:]]*//p' "$spec" | head -1)
    [ -n "$root" ] || { echo "stamped_sweep.sh: $spec has no 'out:' folder to stamp" >&2; exit 2; }
    roots+=("$root")
done

if [ -z "${RFM:-}" ]; then
    bash scripts/setup.sh
    swift build -c release --product rfm
    RFM=$(swift build -c release --show-bin-path)/rfm
    COMMIT=${COMMIT:-$(git rev-parse HEAD)}
fi
: "${COMMIT:?set COMMIT to the commit that built $RFM}"

stamp() {
    # A run is finished once its summary.json exists; stamp the ones not stamped yet.
    for root in "${roots[@]}"; do
        find "$root" -name summary.json -print0 2>/dev/null | while IFS= read -r -d '' summary; do
            dir=$(dirname "$summary")
            [ -e "$dir/commit.txt" ] || echo "$COMMIT" > "$dir/commit.txt"
        done
    done
}

( while sleep 60; do stamp; done ) &
stamper=$!
trap 'kill $stamper 2>/dev/null || true' EXIT
for spec in $SPECS; do
    "$RFM" sweep "$spec" --jobs "${JOBS:-2}" --threads 1
done
stamp

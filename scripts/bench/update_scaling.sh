#!/usr/bin/env bash
# How an RFM update's cost grows with K (posterior samples), the particles, the widths and the
# batch: `rfm bench update --preset cpu` over the grid, one markdown row per setting with the
# milliseconds, the GFLOP of products, the effective GFLOP/s and that as a share of the same run's
# sgemm figure (on the setting's dominant product shape).
#   bash scripts/bench/update_scaling.sh [THREADS] [STATE_DIM] [ACTION_DIM]   (default: 2 5 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-2}; state=${2:-5}; action=${3:-1}
rfm=${RFM:-$(swift build -c release --show-bin-path)/rfm}
echo "| K | particles | width | batch | ms / update | GFLOP / update | GFLOP/s | sgemm GFLOP/s | share of sgemm |"
echo "|---|---|---|---|---|---|---|---|---|"
for width in 128 256; do
  for batch in 128 256; do
    for particles in 4 8 32; do
      for k in 16 32 64 100 256; do
        "$rfm" bench update --preset cpu --state-dim "$state" --action-dim "$action" --threads "$threads" \
            --iterations "${ITERATIONS:-20}" --json --set rfm.posterior_samples="$k" --set rfm.particles_train="$particles" \
            --set critic.hidden="$width" --set actor.hidden="$width" --set trainer.batch_size="$batch" 2>/dev/null |
          python3 -c 'import json, sys
d = json.load(sys.stdin); k, p, w, b = sys.argv[1:]
ms, gflop, rate, sgemm = d["update_ms"], d["gflop_per_update"], d["gflops_effective"], d["sgemm_gflops"]
print("| %s | %s | %s | %s | %.1f | %.2f | %.0f | %.0f | %.0f %% |" % (k, p, w, b, ms, gflop, rate, sgemm, 100 * rate / sgemm))' "$k" "$particles" "$width" "$batch"
      done
    done
  done
done

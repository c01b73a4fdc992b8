#!/usr/bin/env bash
# What one training step of each agent costs at the DeepMind Control table's setting (`cpu` preset:
# widths 128, batch 128, the baselines' reduced sample counts): `rfm bench update --preset cpu` per
# agent, one markdown row each with the milliseconds per update and per action (the stochastic
# action the training loop takes every environment step), their sum times 100,000 steps in
# minutes (environment steps and the ten 25-episode evaluations not included), and the same run's
# sgemm figure so that machines compare. Run it with nothing else on the cores.
#   bash scripts/bench/agent_costs.sh [THREADS] [STATE_DIM] [ACTION_DIM]   (default: 1 9 2, finger-spin)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-1}; state=${2:-9}; action=${3:-2}
rfm=${RFM:-$(swift build -c release --show-bin-path)/rfm}
echo "| agent | ms / update | ms / action | updates + actions of 100k steps (min) | GFLOP / update | sgemm GFLOP/s |"
echo "|---|---|---|---|---|---|"
for agent in ${AGENTS:-rfm sac qsm dqs maxentdp qvpo}; do
  "$rfm" bench update --preset cpu --agent "$agent" --state-dim "$state" --action-dim "$action" \
      --threads "$threads" --iterations "${ITERATIONS:-20}" --json 2>/dev/null |
    python3 -c 'import json, sys
d = json.load(sys.stdin)
update, act = d["update_ms"], d["act_ms"]
print("| %s | %.2f | %.3f | %.1f | %.3f | %.0f |" % (d["agent"], update, act, (update + act) * 1e5 / 6e4, d["gflop_per_update"], d["sgemm_gflops"]))'
done

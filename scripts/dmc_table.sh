#!/usr/bin/env bash
# Runs (or resumes) the DeepMind Control table's sweeps with scripts/stamped_sweep.sh: RFM and SAC on
# the eight tasks (experiments/dmc-table.yaml), then the diffusion baselines on two of them
# (experiments/dmc-diffusion.yaml). Same variables as stamped_sweep.sh (RFM, COMMIT, JOBS, SPECS).
#   RFM=/path/to/rfm COMMIT=<sha> bash scripts/dmc_table.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SPECS=${SPECS:-experiments/dmc-table.yaml experiments/dmc-diffusion.yaml} exec bash scripts/stamped_sweep.sh

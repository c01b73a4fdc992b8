#!/usr/bin/env bash
# Makes .venv-dmc/, a Python virtual environment with the paper's dm_control 1.0.34 on MuJoCo
# 3.3.6, for the reference scripts in this folder (never used for training). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-dmc
if ! "$venv/bin/python" -c 'import dm_control, mujoco; assert mujoco.__version__ == "3.3.6"' 2>/dev/null; then
    echo "setup: creating $venv with dm_control 1.0.34 and mujoco 3.3.6" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet dm_control==1.0.34 mujoco==3.3.6
fi

#!/usr/bin/env bash
# Makes .venv-gym/, a Python virtual environment with Gymnasium 1.2.2 (and MuJoCo 3.3.6 for its
# MuJoCo tasks) for the `gym:` bridge's tests and for gym_step_rate.py. Training on a `gym:`
# environment uses whatever interpreter `gym.python` names; this is only the one the tests use
# (scripts/test.sh exports RFM_GYM_PYTHON=.venv-gym/bin/python). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-gym
if ! "$venv/bin/python" -c 'import gymnasium, mujoco; assert gymnasium.__version__ == "1.2.2" and mujoco.__version__ == "3.3.6"' 2>/dev/null; then
    echo "setup: creating $venv with gymnasium 1.2.2 and mujoco 3.3.6" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "gymnasium[mujoco]==1.2.2" mujoco==3.3.6
fi

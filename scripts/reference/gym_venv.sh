#!/usr/bin/env bash
# Makes .venv-gym/, a Python virtual environment with Gymnasium 1.2.2 on MuJoCo 3.3.6 (the
# `[mujoco]` extra: its MuJoCo tasks import imageio), for the Gymnasium reference script in this
# folder, the `gym:` bridge's tests and gym_step_rate.py; never used for training (a `gym:` run uses
# the interpreter `gym.python` names; scripts/test.sh exports RFM_GYM_PYTHON=.venv-gym/bin/python).
# Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-gym
if ! "$venv/bin/python" -c 'import gymnasium, mujoco; import imageio; assert gymnasium.__version__ == "1.2.2" and mujoco.__version__ == "3.3.6"' 2>/dev/null; then
    echo "setup: creating $venv with gymnasium 1.2.2 and mujoco 3.3.6" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "gymnasium[mujoco]==1.2.2" mujoco==3.3.6
fi

#!/usr/bin/env bash
# Makes .venv-tb/, a Python virtual environment with the `tensorboard` package, whose event reader
# checks the run folders' TensorBoard files (TrainerTensorBoardTests) and with which the `rfm`
# Python package (python/) is tested against the Swift policy (PythonPolicyTests). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-tb
if ! "$venv/bin/python" -c 'import tensorboard, numpy, safetensors' 2>/dev/null; then
    echo "setup: creating $venv with tensorboard, numpy and safetensors" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet tensorboard numpy safetensors
fi

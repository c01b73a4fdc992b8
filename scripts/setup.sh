#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine: oneDNN (the products) and OpenBLAS (with
# its pkg-config file; the products' alternative, and the CUDA emulation's);
# and what `rfm render` needs at run time (the build does not): ffmpeg to encode videos, and
# Mesa's EGL with its software rasteriser (llvmpipe) for MuJoCo's off-screen renderer.
# Idempotent: does nothing when everything is present.
set -euo pipefail

need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
dpkg -s libdnnl-dev >/dev/null 2>&1 || need+=(libdnnl-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
for p in libegl1 libegl-mesa0 libgl1-mesa-dri; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
    echo "setup: installing ${need[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# MuJoCo 3.3.6 and the DeepMind Control Suite models, pinned (see the script).
bash "$(dirname "$0")/fetch_mujoco.sh"

# The Gymnasium 1.2.2 MuJoCo models for the v5 tasks, pinned (see the script).
bash "$(dirname "$0")/fetch_gymnasium.sh"

#!/usr/bin/env bash
# Fetches NVRTC (CUDA's run-time compiler, 12.9) from its pinned PyPI wheel into
# .deps/nvrtc-12.9.86/lib, for the test that compiles the CUDA kernels for sm_80 and sm_90 without
# a GPU (NVRTC needs no driver). Prints the library folder, for RFM_CUDA_LIB_DIR. Idempotent;
# nothing here is committed (.deps/ is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=.deps/nvrtc-12.9.86
if [ ! -f "$dir/.complete" ]; then
    wheel=nvidia_cuda_nvrtc_cu12-12.9.86-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.whl
    sha=210cf05005a447e29214e9ce50851e83fc5f4358df8b453155d5e1918094dcb4
    wheels=.deps/wheels
    mkdir -p "$wheels"
    if [ ! -f "$wheels/$wheel" ]; then
        echo "setup: downloading nvidia-cuda-nvrtc-cu12 12.9.86 from PyPI (90 MB)" >&2
        python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2010_x86_64 \
            nvidia-cuda-nvrtc-cu12==12.9.86 -d "$wheels"
    fi
    echo "$sha  $wheels/$wheel" | sha256sum --check --quiet || {
        echo "setup: checksum mismatch for $wheels/$wheel (delete it and retry)" >&2
        exit 1
    }
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial/lib"
    python3 - "$wheels/$wheel" "$dir.partial/lib" <<'PY'
import os, shutil, sys, zipfile
wheel, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("nvidia/cuda_nvrtc/lib/") and ".so" in name and ".alt." not in name:
            with z.open(name) as src, open(os.path.join(dest, os.path.basename(name)), "wb") as out:
                shutil.copyfileobj(src, out)
PY
    touch "$dir.partial/.complete"
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
fi
echo "$PWD/$dir/lib"

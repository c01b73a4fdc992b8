#!/usr/bin/env bash
# Fetches the Gymnasium 1.2.2 MuJoCo model files (gymnasium/envs/mujoco/assets/*.xml) from its
# pinned PyPI wheel into .deps/, for the native Gymnasium v5 tasks (`HalfCheetah-v5`, …).
# Idempotent: does nothing once the pinned files are unpacked. Nothing here is committed.
#
#   .deps/gymnasium-1.2.2/assets/*.xml          task models
set -euo pipefail
cd "$(dirname "$0")/.."

deps=.deps
gym_dir=$deps/gymnasium-1.2.2
if [ -f "$gym_dir/.complete" ]; then
    exit 0
fi

# Pinned by version and SHA-256 (a pure-Python wheel: one file for every machine).
gym_wheel=gymnasium-1.2.2-py3-none-any.whl
gym_sha=f04ec362b1fdf73a8b327db5ef89384a3f2ba411e05d3521513414fbbb2199c8

wheels=$deps/wheels
mkdir -p "$wheels"
if [ ! -f "$wheels/$gym_wheel" ]; then
    echo "setup: downloading gymnasium==1.2.2 from PyPI" >&2
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        --implementation cp --platform manylinux_2_28_x86_64 gymnasium==1.2.2 -d "$wheels"
fi
echo "$gym_sha  $wheels/$gym_wheel" | sha256sum --check --quiet || {
    echo "setup: checksum mismatch for $wheels/$gym_wheel (delete it and retry)" >&2
    exit 1
}

python3 - "$wheels/$gym_wheel" "$gym_dir" <<'PY'
import os, re, shutil, sys, zipfile
wheel, dest = sys.argv[1:]
tmp = dest + ".partial"
shutil.rmtree(tmp, ignore_errors=True)
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        m = re.fullmatch(r"gymnasium/envs/mujoco/assets/([a-z0-9_]+\.xml)", name)
        if m:
            path = os.path.join(tmp, "assets", m.group(1))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with z.open(name) as src, open(path, "wb") as out:
                shutil.copyfileobj(src, out)
    # The MIT licence the model files ship under.
    for name in z.namelist():
        if re.fullmatch(r"gymnasium-1\.2\.2\.dist-info/(licenses/)?LICENSE(\.txt|\.md)?", name):
            with z.open(name) as src, open(os.path.join(tmp, "LICENSE"), "wb") as out:
                shutil.copyfileobj(src, out)
open(os.path.join(tmp, ".complete"), "w").close()
shutil.rmtree(dest, ignore_errors=True)
os.replace(tmp, dest)
PY
echo "setup: Gymnasium 1.2.2 MuJoCo models in $gym_dir/" >&2

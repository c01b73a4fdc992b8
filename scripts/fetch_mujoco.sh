#!/usr/bin/env bash
# Fetches MuJoCo 3.3.6 (shared library + C headers) and the DeepMind Control Suite 1.0.34 model
# files from their PyPI wheels into .deps/, the versions the paper ran on. Idempotent: downloads
# nothing once the pinned files are unpacked. Nothing here is committed (.deps/ is ignored).
#
#   .deps/mujoco-3.3.6/include/mujoco/*.h      C API headers
#   .deps/mujoco-3.3.6/lib/libmujoco.so.3.3.6   shared library (+ libmujoco.so link)
#   .deps/pkgconfig/mujoco.pc                   how the build finds them (PKG_CONFIG_PATH)
#   .deps/dm_control-1.0.34/suite/*.xml         task models (+ suite/common/*.xml)
set -euo pipefail
cd "$(dirname "$0")/.."

deps=.deps
mujoco_dir=$deps/mujoco-3.3.6
suite_dir=$deps/dm_control-1.0.34

# pkg-config's description of that copy, which SwiftPM reads to compile against MuJoCo and link it.
# Its paths are relative to the file itself (${pcfiledir}), so any checkout sharing this .deps/ can
# use it. It carries no run-time search path (SwiftPM drops -Wl,-rpath from pkg-config files):
# Package.swift adds one for .deps/. Written on every run, so that a .deps/ from before it gets it.
mkdir -p "$deps/pkgconfig"
pc='prefix=${pcfiledir}/../mujoco-3.3.6
includedir=${prefix}/include
libdir=${prefix}/lib

Name: MuJoCo
Description: MuJoCo physics engine, the C API (unpacked by scripts/fetch_mujoco.sh)
Version: 3.3.6
Cflags: -I${includedir}
Libs: -L${libdir} -lmujoco'
if [ "$(cat "$deps/pkgconfig/mujoco.pc" 2>/dev/null)" != "$pc" ]; then
    printf '%s\n' "$pc" > "$deps/pkgconfig/mujoco.pc.tmp"
    mv "$deps/pkgconfig/mujoco.pc.tmp" "$deps/pkgconfig/mujoco.pc"
fi

if [ -f "$mujoco_dir/.complete" ] && [ -f "$suite_dir/.complete" ]; then
    exit 0
fi

# Wheels are pinned by version and SHA-256; the MuJoCo wheel's library does not depend on the
# Python version, so one tag (CPython 3.11, manylinux 2.28, x86-64) serves every machine.
mujoco_wheel=mujoco-3.3.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
mujoco_sha=0f0e2512c88db100e6f272e5301ed5c845fc0b676293bd490f20dfcab00a96d4
suite_wheel=dm_control-1.0.34-py3-none-any.whl
suite_sha=0ecb93d28c43f7dd1b20182df2bcd3caea413d6e945669470649b49fc13cc1c5

wheels=$deps/wheels
mkdir -p "$wheels"
fetch() { # name==version wheel-file
    if [ ! -f "$wheels/$2" ]; then
        echo "setup: downloading $1 from PyPI" >&2
        python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
            --implementation cp --platform manylinux_2_28_x86_64 "$1" -d "$wheels"
    fi
}
fetch mujoco==3.3.6 "$mujoco_wheel"
fetch dm_control==1.0.34 "$suite_wheel"
echo "$mujoco_sha  $wheels/$mujoco_wheel
$suite_sha  $wheels/$suite_wheel" | sha256sum --check --quiet || {
    echo "setup: checksum mismatch for the MuJoCo / dm_control wheels in $wheels (delete it and retry)" >&2
    exit 1
}

python3 - "$wheels/$mujoco_wheel" "$wheels/$suite_wheel" "$mujoco_dir" "$suite_dir" <<'PY'
import os, re, shutil, sys, zipfile
mujoco_wheel, suite_wheel, mujoco_dir, suite_dir = sys.argv[1:]

def unpack(wheel, dest, rules):
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            for pattern, target in rules:
                m = re.fullmatch(pattern, name)
                if m:
                    path = os.path.join(tmp, target.format(*m.groups()))
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with z.open(name) as src, open(path, "wb") as out:
                        shutil.copyfileobj(src, out)
    open(os.path.join(tmp, ".complete"), "w").close()
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)

unpack(mujoco_wheel, mujoco_dir, [
    (r"mujoco/include/mujoco/([^/]+\.h)", "include/mujoco/{}"),
    (r"mujoco/(libmujoco\.so\.3\.3\.6)", "lib/{}"),
])
os.symlink("libmujoco.so.3.3.6", os.path.join(mujoco_dir, "lib", "libmujoco.so"))
unpack(suite_wheel, suite_dir, [
    (r"dm_control/suite/([a-z_]+\.xml)", "suite/{}"),
    (r"dm_control/suite/common/([a-z_]+\.xml)", "suite/common/{}"),
    (r"dm_control/(LICENSE)", "{}"),
])
PY
echo "setup: MuJoCo 3.3.6 and dm_control 1.0.34 models in $deps/" >&2

#!/usr/bin/env bash
# Prepares the CUDA checks for a GPU machine that has no Swift toolchain (the project's device
# machine): builds `rfm` with the Swift runtime linked in, strips it, and gathers it with the
# shared libraries it needs that such a machine may lack (OpenBLAS and its Fortran runtime,
# MuJoCo), packed as .gpu/bundle.tar.xz (about 22 MB; unpacked it is over 100 MB, more than the
# device tool carries). Carry `.gpu` to the GPU machine and run `bash scripts/gpu_check.sh` there.
set -euo pipefail
cd "$(dirname "$0")/.."
# MuJoCo for the build: the pkg-config file scripts/setup.sh writes (see Package.swift).
export PKG_CONFIG_PATH="$PWD/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

bash scripts/setup.sh
swift build -c release --product rfm --static-swift-stdlib
bin=$(swift build -c release --show-bin-path)
rm -rf .gpu.tmp && mkdir -p .gpu.tmp/lib
cp "$bin/rfm" .gpu.tmp/rfm
strip .gpu.tmp/rfm
cp -r "$bin"/*.resources .gpu.tmp/   # presets, and the CUDA kernels' source
cp -r .deps/dm_control-1.0.34/suite .gpu.tmp/suite   # the DeepMind Control models (for rfm train)
# Every shared library rfm loads except the C library's own, which any Linux machine has.
ldd .gpu.tmp/rfm | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
        libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*) ;;
        *) cp -L "$lib" .gpu.tmp/lib/ ;;
    esac
done
rm -rf .gpu && mkdir .gpu
tar -C .gpu.tmp -cJf .gpu/bundle.tar.xz .
rm -rf .gpu.tmp
du -sh .gpu/bundle.tar.xz
echo "ready: carry .gpu, then run: bash scripts/gpu_check.sh"

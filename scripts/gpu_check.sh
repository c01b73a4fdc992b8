#!/usr/bin/env bash
# The CUDA checks, run on a GPU machine from the repository root with the folder .gpu/ made by
# scripts/gpu_prepare.sh. Finds the CUDA 13 libraries of the machine's Python (PyTorch's wheels
# carry them under site-packages/nvidia/cu13/lib) unless RFM_CUDA_LIB_DIR is set, then:
#   1. `rfm device`: the GPU, the libraries, the kernels compiled by NVRTC, and a product and GELU
#      checked against the CPU;
#   2. `rfm bench gemm --device cuda` next to `--device cpu`: cuBLAS FP32 and TF32 throughput on
#      the paper preset's product shapes.
# Results go to $OUT (or ./gpu-results) as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-results}
mkdir -p "$out"
bundle=$(mktemp -d)
tar -C "$bundle" -xJf .gpu/bundle.tar.xz
export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${RFM_CUDA_LIB_DIR:-}" ]; then
    RFM_CUDA_LIB_DIR=$(python3 -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13", "lib"))' 2>/dev/null || true)
    export RFM_CUDA_LIB_DIR
fi
echo "RFM_CUDA_LIB_DIR=${RFM_CUDA_LIB_DIR:-unset}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
rfm=$bundle/rfm
"$rfm" device | tee "$out/device.txt"
"$rfm" device --json > "$out/device.json"
"$rfm" bench gemm --device cuda | tee "$out/gemm-cuda.txt"
"$rfm" bench gemm --device cuda --json > "$out/gemm-cuda.json"
"$rfm" bench gemm --device cpu --threads 16 | tee "$out/gemm-cpu.txt"
echo "gpu check: done"

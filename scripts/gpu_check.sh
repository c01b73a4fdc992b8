#!/usr/bin/env bash
# The CUDA checks, run on a GPU machine from the repository root with the folder .gpu/ made by
# scripts/gpu_prepare.sh. Finds the CUDA 13 libraries of the machine's Python (PyTorch's wheels
# carry them under site-packages/nvidia/cu13/lib) unless RFM_CUDA_LIB_DIR is set, then:
#   1. `rfm device --update-check paper`: the GPU, the libraries, every kernel against the CPU,
#      and three whole RFM updates (paper preset, cheetah-run sizes) against the CPU's;
#   2. `rfm bench gemm --device cuda`: cuBLAS FP32 and TF32 on the paper preset's product shapes;
#   3. `rfm bench update` and `rfm bench act` on cuda (FP32, then TF32), and the update on the
#      machine's CPU for comparison;
#   4. a short `rfm train --env cheetah-run --preset paper --device cuda` (3,000 updates after the
#      10,000 warm-up steps) for its steps per second.
# Each stage has its own time limit (575 s in all, under the device tool's 600 s per call), so one
# that hangs does not take the others' time. Results go
# to $OUT (or ./gpu-results): JSON, text, and the training run's folder.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-results}
mkdir -p "$out"
bundle=$(mktemp -d)
tar -C "$bundle" -xJf .gpu/bundle.tar.xz
export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RFM_DMC_SUITE_DIR="$bundle/suite"
if [ -z "${RFM_CUDA_LIB_DIR:-}" ]; then
    RFM_CUDA_LIB_DIR=$(python3 -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13", "lib"))' 2>/dev/null || true)
    export RFM_CUDA_LIB_DIR
fi
echo "RFM_CUDA_LIB_DIR=${RFM_CUDA_LIB_DIR:-unset}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
rfm=$bundle/rfm
stage() {  # stage NAME SECONDS COMMAND...: runs it with a limit, output to $out/NAME.txt
    local name=$1 limit=$2
    shift 2
    echo "== $name"
    local start=$SECONDS
    timeout "$limit" "$@" > "$out/$name.txt" 2>&1
    local rc=$?
    tail -n 5 "$out/$name.txt"
    echo "-- $name: exit $rc after $((SECONDS - start)) s"
}
stage device 90 "$rfm" device --update-check paper --json
stage gemm-cuda 45 "$rfm" bench gemm --device cuda --json
stage update-cuda 60 "$rfm" bench update --device cuda --preset paper --iterations 50 --json
stage update-cuda-tf32 60 "$rfm" bench update --device cuda --tf32 --preset paper --iterations 50 --json
stage act-cuda 40 "$rfm" bench act --device cuda --preset paper --repeats 300 --json
stage act-cuda-tf32 40 "$rfm" bench act --device cuda --tf32 --preset paper --repeats 300 --json
stage update-cpu 60 "$rfm" bench update --device cpu --threads 16 --preset paper --iterations 3 --json
stage train-cuda 180 "$rfm" train --env cheetah-run --preset paper --device cuda --steps 13000 \
    --set trainer.eval_interval=13000 --set trainer.eval_episodes=2 --set trainer.checkpoint_interval=13000 \
    --set trainer.log_interval=500 --out "$out/train-cheetah-run"
echo "gpu check: done"

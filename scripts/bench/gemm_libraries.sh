#!/usr/bin/env bash
# Compares OpenBLAS, BLIS, oneDNN and libxsmm, one thread each, on the product shapes of a preset:
#   bash scripts/bench/gemm_libraries.sh [PRESET] [STATE_DIM] [ACTION_DIM]   (default: cpu 5 1)
# Installs the Debian packages it needs, builds gemm_libraries.c, takes the shapes from
# `rfm bench gemm --preset PRESET --json` and prints GFLOP/s per library and shape. OpenBLAS runs
# the kernels `OPENBLAS_CORETYPE` names (unset: its own detection), as rfm does.
set -euo pipefail
cd "$(dirname "$0")/../.."
preset=${1:-cpu}; state=${2:-5}; action=${3:-1}
need=()
for p in libdnnl-dev libxsmm-dev libblis-dev libopenblas-dev; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -q "${need[@]}" >/dev/null
fi
rfm=${RFM:-$(swift build -c release --show-bin-path)/rfm}
[ -x "$rfm" ] || swift build -c release --product rfm
bin=$(mktemp -d)/gemm_libraries
gcc -O2 -o "$bin" scripts/bench/gemm_libraries.c $(pkg-config --cflags openblas) -I/usr/include/libxsmm \
    $(pkg-config --libs openblas) -ldnnl /usr/lib/libxsmm.a /usr/lib/libxsmmnoblas.a -ldl -lpthread -lm
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); preset $preset, state $state, action $action"
"$rfm" bench gemm --preset "$preset" --state-dim "$state" --action-dim "$action" --threads 1 --json |
    python3 -c 'import json, sys
for r in json.load(sys.stdin)["results"]:
    s = r["shape"]; print(s["m"], s["n"], s["k"], int(s["transA"]), int(s["transB"]), s["use"])' |
    OPENBLAS_NUM_THREADS=1 BLIS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$bin" "${SECONDS_PER_TRY:-0.15}" "${ROUNDS:-3}"

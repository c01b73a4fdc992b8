#!/usr/bin/env bash
# The README's test command: installs the dependencies, runs every test (optimised build: the
# numerical tests train small networks, which a debug build runs many times slower), then
# smoke-tests the command line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --build-tests
swift test -c release --skip-build

# The command line answers and its benchmark prints the documented JSON keys.
rfm=$(swift build -c release --show-bin-path)/rfm
"$rfm" --version
"$rfm" --help >/dev/null
"$rfm" bench critic-update --iterations 5 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
missing = {"update_ms", "gflops_effective", "sgemm_gflops"} - r.keys()
assert not missing, f"bench critic-update --json lacks {missing}"
print("cli smoke: ok")'
if "$rfm" bench critic-update --threads 0 2>/dev/null; then
    echo "cli smoke: --threads 0 was accepted" >&2
    exit 1
fi

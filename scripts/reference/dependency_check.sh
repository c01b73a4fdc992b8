#!/usr/bin/env bash
# The library as another package's dependency: a throwaway package outside the repository depends
# on this one by URL and version, imports ReverseFlow, Environments and TensorCore, builds (debug)
# and runs.
# SwiftPM refuses a package depended on by version if it has unsafe flags (a path dependency
# would allow them, so it would not catch one). The dependency is a temporary git repository of
# this working tree (committed or not) tagged 0.0.1-test; it has no .deps/, like any fetched
# checkout, so MuJoCo comes through pkg-config (this checkout's .deps/pkgconfig, which
# scripts/setup.sh writes) and the loader finds it through LD_LIBRARY_PATH, as a user's would.
# SwiftPM fetches swift-argument-parser and Yams for it from GitHub (network, or its cache).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PKG_CONFIG_PATH="$PWD/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
unset RFM_TARGET_CPU   # a CPU named here would be an unsafe flag in the dependency

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo="$work/ReverseFlowMatching"
mkdir "$repo"
# The working tree's files (tracked, and new ones not ignored), as a commit would take them.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
done | tar --null -T - -cf - | tar -xf - -C "$repo"
git -C "$repo" init --quiet
git -C "$repo" add --all
git -C "$repo" -c user.name=rfm -c user.email=rfm@localhost commit --quiet -m snapshot
git -C "$repo" tag 0.0.1-test

mkdir -p "$work/consumer/Sources/Consumer"
cat > "$work/consumer/Package.swift" <<EOF
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(url: "file://$repo", exact: "0.0.1-test")],
    targets: [
        .executableTarget(
            name: "Consumer",
            dependencies: [.product(name: "ReverseFlow", package: "ReverseFlowMatching")]
        ),
    ]
)
EOF
cat > "$work/consumer/Sources/Consumer/main.swift" <<'EOF'
import Environments
import Foundation
import ReverseFlow
import TensorCore

// A product through the kernel layer (oneDNN), and a preset read from ReverseFlow's resources.
let a = Tensor(shape: [2, 2], values: [1, 2, 3, 4])
let c = Tensor(shape: [2, 2], values: [0, 0, 0, 0])
Kernels.gemm(a, .none, a, .none, into: c)
let product = (0..<4).map { c.data[$0] }
precondition(product == [7, 10, 15, 22], "A·A = \(product)")
let config = try RunConfig.preset("cpu")
precondition(config.values.count > 10, "the cpu preset has \(config.values.count) keys")
// An environment from the product's Environments target, and the gym: worker from its resources.
let env = try EnvironmentRegistry.make("pendulum")
precondition(env.reset(seed: 0).count == 3, "pendulum observes 3 numbers")
let worker = try GymSettings.workerScript()
precondition(FileManager.default.fileExists(atPath: worker), "no gym worker at \(worker)")
print("dependency check: A·A = \(product), cpu preset with \(config.values.count) keys, pendulum, gym worker found")
EOF

start=$SECONDS
(cd "$work/consumer" && swift build --quiet)
LD_LIBRARY_PATH="$(pkg-config --variable=libdir mujoco)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$work/consumer/.build/debug/Consumer"
echo "dependency check: ok (built and ran in $((SECONDS - start)) s)"

// swift-tools-version:6.0
import PackageDescription

/// Builds target Haswell-level x86-64 (AVX2 + FMA) so SIMD multiply-adds compile to FMA instructions
/// instead of library calls; every machine this project runs on (Zen 1 and newer) has them.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
]

let package = Package(
    name: "ReverseFlowMatching",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReverseFlow", targets: ["TensorCore", "NeuralNet", "ReverseFlow"]),
        .executable(name: "rfm", targets: ["rfm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS from Debian (`libopenblas-dev`): the only C import for math.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // A per-thread FLOP counter (C11 thread-local storage).
        .target(name: "CThreadLocal", path: "Sources/CThreadLocal"),
        // Float32 tensors, GEMM, elementwise kernels, reductions, seeded RNG: the compute seam.
        .target(name: "TensorCore", dependencies: ["CBLAS", "CThreadLocal"], swiftSettings: fastMath),
        // Layers with hand-written backward passes, Adam, clipping, Polyak, checkpoints.
        .target(name: "NeuralNet", dependencies: ["TensorCore"], swiftSettings: fastMath),
        // Reinforcement learning: critics, policies, estimators, agents, training.
        .target(name: "ReverseFlow", dependencies: ["TensorCore", "NeuralNet"], swiftSettings: fastMath),
        // The command line.
        .executableTarget(
            name: "rfm",
            dependencies: [
                "TensorCore", "NeuralNet", "ReverseFlow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath
        ),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore"], exclude: ["Fixtures"]),
        .testTarget(name: "ReverseFlowTests", dependencies: ["ReverseFlow", "NeuralNet", "TensorCore"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

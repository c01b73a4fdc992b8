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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // OpenBLAS from Debian (`libopenblas-dev`): the only C import for math.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Small C helpers: a per-thread FLOP counter, line-buffered stdout.
        .target(name: "CSupport", path: "Sources/CSupport"),
        // Float32 tensors, GEMM, elementwise kernels, reductions, seeded RNG: the compute seam.
        .target(name: "TensorCore", dependencies: ["CBLAS", "CSupport"], swiftSettings: fastMath),
        // Layers with hand-written backward passes, Adam, clipping, Polyak, checkpoints.
        .target(name: "NeuralNet", dependencies: ["TensorCore"], swiftSettings: fastMath),
        // Reinforcement learning: critics, policies, estimators, agents, training.
        .target(
            name: "ReverseFlow",
            dependencies: ["TensorCore", "NeuralNet", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Presets")],
            swiftSettings: fastMath
        ),
        // The command line.
        .executableTarget(
            name: "rfm",
            dependencies: [
                "TensorCore", "NeuralNet", "ReverseFlow", "CSupport",
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

// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Builds target Haswell-level x86-64 (AVX2 + FMA) so SIMD multiply-adds compile to FMA instructions
/// instead of library calls; every machine this project runs on (Zen 1 and newer) has them.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
]

/// MuJoCo 3.3.6, unpacked by `scripts/setup.sh` into `.deps/` (never committed): headers for the
/// C import and the shared library, found at run time through an rpath to the same folder.
let mujocoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent(".deps/mujoco-3.3.6").path
let mujocoHeaders: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I\(mujocoRoot)/include"])]

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
        // The products through oneDNN (Debian's `libdnnl-dev`): its sgemm picks AVX-512 or AVX2
        // kernels at run time. The kernel layer's default product library (see `BLAS.Library`).
        .target(name: "COneDNN", path: "Sources/COneDNN", linkerSettings: [.linkedLibrary("dnnl")]),
        // Small C helpers: the worker pool, a per-thread FLOP counter, line-buffered stdout.
        .target(name: "CSupport", path: "Sources/CSupport"),
        // MuJoCo's C API (headers and library from .deps/, see scripts/fetch_mujoco.sh).
        .target(
            name: "CMuJoCo",
            path: "Sources/CMuJoCo",
            cSettings: [.unsafeFlags(["-I\(mujocoRoot)/include"])],
            linkerSettings: [.unsafeFlags(["-L\(mujocoRoot)/lib", "-lmujoco", "-Xlinker", "-rpath", "-Xlinker", "\(mujocoRoot)/lib"])]
        ),
        // A small Swift layer over MuJoCo: model loading, named lookups, dm_control's stepping.
        .target(name: "MuJoCo", dependencies: ["CMuJoCo"], swiftSettings: fastMath + mujocoHeaders),
        // The CUDA backend's runtime layer: driver API, cuBLAS and NVRTC opened with dlopen at run
        // time (the build needs no CUDA).
        // Without a GPU it runs on CUDAEmulation and OpenBLAS instead (CUDADevice.emulated()).
        .target(name: "CUDA", dependencies: ["TensorCore", "CUDAEmulation", "CBLAS"], resources: [.copy("Kernels")], swiftSettings: fastMath),
        // The CUDA kernels' source compiled for the CPU, one (block, thread) at a time: tests check
        // each kernel against its CPU counterpart on machines without a GPU.
        .target(name: "CUDAEmulation", path: "Sources/CUDAEmulation"),
        // Float32 tensors, GEMM, elementwise kernels, reductions, seeded RNG: the compute seam.
        .target(name: "TensorCore", dependencies: ["CBLAS", "COneDNN", "CSupport"], swiftSettings: fastMath),
        // Layers with hand-written backward passes, Adam, clipping, Polyak, checkpoints.
        .target(name: "NeuralNet", dependencies: ["TensorCore"], swiftSettings: fastMath),
        // Reinforcement learning: critics, policies, estimators, agents, training.
        .target(
            name: "ReverseFlow",
            dependencies: ["TensorCore", "NeuralNet", "MuJoCo", "CSupport", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Presets"), .copy("Environments/Gym/GymWorker")],
            swiftSettings: fastMath + mujocoHeaders
        ),
        // The command line.
        .executableTarget(
            name: "rfm",
            dependencies: [
                "TensorCore", "NeuralNet", "ReverseFlow", "CSupport", "CUDA",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath + mujocoHeaders
        ),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "CUDATests", dependencies: ["CUDA", "CUDAEmulation", "TensorCore", "NeuralNet", "ReverseFlow"], swiftSettings: mujocoHeaders),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ReverseFlowTests",
            dependencies: ["ReverseFlow", "NeuralNet", "TensorCore", "MuJoCo"],
            exclude: ["Fixtures"],
            swiftSettings: mujocoHeaders
        ),
    ],
    swiftLanguageModes: [.v6]
)

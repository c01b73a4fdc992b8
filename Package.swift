// swift-tools-version:6.0
import Foundation
import PackageDescription

/// A checkout prepared by `scripts/setup.sh` has `.deps/` (MuJoCo and the task models, never
/// committed) beside this file; a checkout that SwiftPM fetched as another package's dependency has
/// none. Only a prepared checkout gets the two settings below that SwiftPM calls unsafe, because
/// SwiftPM refuses a package with unsafe flags when another package depends on it by version.
/// SwiftPM reuses this file's result while its text and the environment stay the same, so a
/// `.deps/` made after a first build counts from the next change of either (setting
/// PKG_CONFIG_PATH to `.deps/pkgconfig` is one).
let deps = Context.packageDirectory + "/.deps"
let prepared = FileManager.default.fileExists(atPath: deps)

/// The CPU the Swift code is compiled for: `RFM_TARGET_CPU` (an LLVM CPU name, or `none` for the
/// compiler's portable default), else Haswell-level x86-64 (AVX2 + FMA) in a prepared checkout on
/// x86-64 Linux, so that SIMD multiply-adds compile to FMA instructions instead of library calls;
/// every machine this project runs on (Zen 1 and newer) has them.
let targetCPU: String = {
    if let cpu = Context.environment["RFM_TARGET_CPU"], !cpu.isEmpty { return cpu }
    #if arch(x86_64) && os(Linux)
    return prepared ? "haswell" : "none"
    #else
    return "none"
    #endif
}()
let fastMath: [SwiftSetting] = targetCPU == "none" ? [] : [.unsafeFlags(["-target-cpu", targetCPU])]

/// MuJoCo's library directory as a run-time search path of every program built here (pkg-config
/// files may not carry one: SwiftPM drops `-Wl,-rpath` from them), in a prepared checkout only.
/// A package depending on this one puts MuJoCo on the loader's path itself (README).
let mujocoRunPath: [LinkerSetting] = prepared
    ? [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", deps + "/mujoco-3.3.6/lib"])]
    : []

let package = Package(
    name: "ReverseFlowMatching",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReverseFlow", targets: ["TensorCore", "NeuralNet", "Environments", "ReverseFlow", "Experiments"]),
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
        // The hottest elementwise kernels on AVX-512 where the CPU has it (chosen at run time;
        // the Swift kernels are compiled for AVX2), computing exactly the Swift kernels' numbers.
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels"),
        // MuJoCo 3.3.6 (headers and shared library), found through pkg-config's `mujoco.pc`:
        // scripts/setup.sh writes one for the copy it unpacks into .deps/ (.deps/pkgconfig, which
        // the scripts put on PKG_CONFIG_PATH); an installed MuJoCo brings its own.
        .systemLibrary(name: "CMuJoCoLibrary", path: "Sources/CMuJoCoLibrary", pkgConfig: "mujoco"),
        // MuJoCo's C API as the Swift layer imports it, with small C helpers: error handlers and an
        // off-screen GL context for the renderer.
        .target(
            name: "CMuJoCo",
            dependencies: ["CMuJoCoLibrary"],
            path: "Sources/CMuJoCo",
            linkerSettings: mujocoRunPath
        ),
        // A small Swift layer over MuJoCo: model loading, named lookups, dm_control's stepping.
        .target(name: "MuJoCo", dependencies: ["CMuJoCo"], swiftSettings: fastMath),
        // The environments: the `Environment` protocol, wrappers and registry, Pendulum, the
        // DeepMind Control tasks (`ControlSuite/`) and Gymnasium's MuJoCo v5 tasks (`Gymnasium/`) on
        // MuJoCo, the `gym:` Python bridge (`Gym/`, its worker script a resource), and how an
        // environment is drawn (`Rendering/`: `EnvironmentCamera`, `Frame`). The only target that
        // imports MuJoCo (`internal`, or `package` where tests reach a task's physics), so nothing
        // that depends on it needs MuJoCo's module; it knows nothing of agents or configuration.
        .target(
            name: "Environments",
            dependencies: ["TensorCore", "MuJoCo"],
            resources: [.copy("Gym/GymWorker")],
            swiftSettings: fastMath
        ),
        // The CUDA backend's runtime layer: driver API, cuBLAS and NVRTC opened with dlopen at run
        // time (the build needs no CUDA).
        // Without a GPU it runs on CUDAEmulation and OpenBLAS instead (CUDADevice.emulated()).
        .target(name: "CUDA", dependencies: ["TensorCore", "CUDAEmulation", "CBLAS"], resources: [.copy("Kernels")], swiftSettings: fastMath),
        // The CUDA kernels' source compiled for the CPU, one (block, thread) at a time: tests check
        // each kernel against its CPU counterpart on machines without a GPU.
        .target(name: "CUDAEmulation", path: "Sources/CUDAEmulation"),
        // Float32 tensors, GEMM, elementwise kernels, reductions, seeded RNG: the compute seam.
        .target(name: "TensorCore", dependencies: ["CBLAS", "COneDNN", "CSupport", "CVectorKernels"], swiftSettings: fastMath),
        // Layers with hand-written backward passes, Adam, clipping, Polyak, checkpoints.
        .target(name: "NeuralNet", dependencies: ["TensorCore"], swiftSettings: fastMath),
        // Reinforcement learning: critics, policies, estimators, agents, training, configuration
        // (including the readers that build an environment from a run's configuration).
        .target(
            name: "ReverseFlow",
            dependencies: ["TensorCore", "NeuralNet", "Environments", "CSupport", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Presets")],
            swiftSettings: fastMath
        ),
        // What the experiments are made of, on top of ReverseFlow: sweeps and Slurm scripts,
        // reports and their figures, the two-moons toy, the `rfm bench` measurements and
        // `rfm device`'s self-check and update agreement. ReverseFlow never imports it.
        .target(
            name: "Experiments",
            dependencies: ["ReverseFlow", "TensorCore", "NeuralNet"],
            swiftSettings: fastMath
        ),
        // The command line.
        .executableTarget(
            name: "rfm",
            dependencies: [
                "TensorCore", "NeuralNet", "Environments", "ReverseFlow", "Experiments", "CSupport", "CUDA",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath
        ),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "CVectorKernels"]),
        .testTarget(name: "CUDATests", dependencies: ["CUDA", "CUDAEmulation", "TensorCore", "NeuralNet", "ReverseFlow", "Experiments"]),
        // The environments against dm_control and Gymnasium (fixtures recorded by them), the bridge.
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "TensorCore", "MuJoCo", "GymTestSupport"], exclude: ["Fixtures"]),
        // The gym: bridge tests' shared Python and fixtures (EnvironmentsTests and ReverseFlowTests).
        .target(name: "GymTestSupport", dependencies: ["Environments"], path: "Tests/GymTestSupport"),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ReverseFlowTests",
            dependencies: ["ReverseFlow", "Environments", "Experiments", "NeuralNet", "TensorCore", "MuJoCo", "GymTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "ReverseFlow", "NeuralNet", "TensorCore"]),
    ],
    swiftLanguageModes: [.v6]
)

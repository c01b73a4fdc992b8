import ArgumentParser
import CUDA
import TensorCore

/// Options every compute command shares.
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Compute threads: the worker pool the math runs on (OpenBLAS itself stays single-threaded). Set explicitly for reproducible numbers.")
    var threads: Int = 2

    func validate() throws {
        guard (1...256).contains(threads) else {
            throw ValidationError("--threads must be between 1 and 256, got \(threads)")
        }
    }

    /// Applies the settings to the process (call before any math).
    func apply() {
        BLAS.setThreads(threads)
    }
}

/// Rejects any option below 1, naming it.
func requirePositive(_ options: [(String, Int)]) throws {
    for (name, value) in options where value < 1 {
        throw ValidationError("\(name) must be at least 1, got \(value)")
    }
}

/// `--device`: where an agent runs.
struct DeviceOptions: ParsableArguments {
    @Option(help: """
        Where the agent runs: cpu; cuda (an NVIDIA GPU: the driver, cuBLAS and NVRTC are opened at run time, \
        see `rfm device`); cuda-emulated (the CUDA backend emulated on the CPU, slow: for checking the \
        backend on a machine without a GPU); or, for the benchmarks, cuda-host-only (the backend with every \
        kernel skipped: the CPU's share of the GPU path).
        """)
    var device = Placement.cpu
    @Flag(help: "On cuda: products in TF32 on the tensor cores (about 10 mantissa bits) instead of FP32.") var tf32 = false

    func validate() throws {
        if tf32 && device != .cuda { throw ValidationError("--tf32 needs --device cuda") }
    }

    /// The device, or nil for the CPU. Opening the GPU fails with a message naming what is missing.
    func open() throws -> ComputeDevice? {
        switch device {
        case .cuda:
            let gpu = try CUDAComputeDevice.open()
            try gpu.cuda.useTF32(tf32)
            return gpu
        case .cudaEmulated: return CUDAComputeDevice.emulated()
        case .cudaHostOnly: return CUDAComputeDevice.hostSideOnly()
        case .cpu: return nil
        }
    }
}

import ArgumentParser
import CUDA
import Foundation
import TensorCore

/// `rfm device`: finds the GPU and the CUDA libraries, compiles the kernels, and checks a product
/// and GELU against the CPU: the first thing to run on a new GPU machine.
struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the CUDA GPU and libraries, compile the kernels, and check them against the CPU.",
        discussion: """
            The CUDA libraries are opened at run time: the driver's libcuda.so.1, cuBLAS and NVRTC \
            (CUDA 13 or 12), looked for in RFM_CUDA_LIB_DIR, the loader's path, the nvidia/*/lib \
            folders of the Python environments on PATH, and /usr/local/cuda/lib64.
            """
    )

    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let device = try CUDADevice.open()  // a CUDAError prints as one line and exits with 1
        let check = try selfCheck(device)
        if json {
            struct Report: Encodable {
                let name: String, memory_gib: Double, compute_capability: Int, driver: String, nvrtc: String
                let libraries: [String: String], gemm_max_error: Float, gelu_max_error: Float
            }
            try printJSON(Report(name: device.name, memory_gib: Double(device.memoryBytes) / 1_073_741_824,
                                 compute_capability: device.capability, driver: device.driverVersion,
                                 nvrtc: device.compilerVersion, libraries: device.libraryPaths,
                                 gemm_max_error: check.gemm, gelu_max_error: check.gelu))
            return
        }
        print(String(format: "%@, %.1f GiB, compute capability %d.%d, driver CUDA %@, NVRTC %@", device.name,
                     Double(device.memoryBytes) / 1_073_741_824, device.capability / 10, device.capability % 10,
                     device.driverVersion, device.compilerVersion))
        for (name, path) in device.libraryPaths.sorted(by: { $0.key < $1.key }) { print("  \(name): \(path)") }
        print(String(format: "self-check against the CPU: 128×96×200 product max error %.2e, GELU max error %.2e",
                     check.gemm, check.gelu))
    }

    /// Largest differences between GPU and CPU on one FP32 product and one GELU; fails above
    /// float tolerance.
    private func selfCheck(_ device: CUDADevice) throws -> (gemm: Float, gelu: Float) {
        var rng = RandomStream(seed: 7)
        let a = Tensor(rows: 128, cols: 200), b = Tensor(rows: 200, cols: 96), c = Tensor(rows: 128, cols: 96)
        rng.fillUniform(a, low: -1, high: 1)
        rng.fillUniform(b, low: -1, high: 1)
        let da = try DeviceBuffer(device: device, count: a.count), db = try DeviceBuffer(device: device, count: b.count)
        let dc = try DeviceBuffer(device: device, count: c.count)
        try da.upload(UnsafeBufferPointer(a.buffer))
        try db.upload(UnsafeBufferPointer(b.buffer))
        try device.useTF32(false)
        try device.gemm(da.matrix(rows: 128, cols: 200), db.matrix(rows: 200, cols: 96), into: dc.matrix(rows: 128, cols: 96))
        Kernels.gemm(a, .none, b, .none, into: c)
        let gpuC = Tensor(rows: 128, cols: 96)
        try dc.download(into: gpuC.buffer)
        let gemmError = zip(gpuC.toArray(), c.toArray()).map { abs($0 - $1) }.max() ?? 0
        try device.gelu(da, into: da)
        Kernels.gelu(a, into: a)
        let gpuA = Tensor(rows: 128, cols: 200)
        try da.download(into: gpuA.buffer)
        let geluError = zip(gpuA.toArray(), a.toArray()).map { abs($0 - $1) }.max() ?? 0
        guard gemmError < 1e-3, geluError < 1e-5 else {
            throw CUDAError("GPU results differ from the CPU: product \(gemmError), GELU \(geluError)")
        }
        return (gemmError, geluError)
    }
}

import Foundation
import TensorCore

/// One NVIDIA GPU, opened at run time: the driver's primary context on device 0, cuBLAS, and the
/// backend's elementwise kernels compiled by NVRTC for this GPU (``DriverRuntime``), or the same
/// backend emulated on the CPU (``emulated()``, for tests).
///
/// Opening needs no CUDA at build time; where the libraries or a GPU are missing, ``open(environment:)``
/// throws a ``CUDAError`` that names what is missing and `RFM_CUDA_LIB_DIR`. All work goes to the
/// default stream in order; ``synchronize()`` waits for it (copies to the host wait by themselves).
public final class CUDADevice: @unchecked Sendable {
    let runtime: DeviceRuntime

    /// The GPU's name, e.g. "NVIDIA H200".
    public var name: String { runtime.info.name }
    /// Global memory in bytes.
    public var memoryBytes: Int { runtime.info.memoryBytes }
    /// Compute capability as major·10 + minor (90 for Hopper; 0 for the emulation).
    public var capability: Int { runtime.info.capability }
    /// The driver's CUDA version, e.g. "13.0".
    public var driverVersion: String { runtime.info.driverVersion }
    /// NVRTC's CUDA version.
    public var compilerVersion: String { runtime.info.compilerVersion }
    /// Where each library was found.
    public var libraryPaths: [String: String] { runtime.info.libraryPaths }
    /// Whether this is the CPU emulation (``emulated()``) rather than a GPU.
    public var isEmulated: Bool { runtime.info.emulated }

    /// Opens device 0. Throws when a library, the driver or a GPU is missing, or when the kernels
    /// do not compile.
    public static func open(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CUDADevice {
        CUDADevice(runtime: try DriverRuntime(environment: environment))
    }

    /// The backend on the CPU: host memory, the kernels' source compiled for the CPU, OpenBLAS
    /// for the products. Slow, but it runs every line of the backend above the driver, so the
    /// backend is tested on machines without a GPU.
    public static func emulated() -> CUDADevice { CUDADevice(runtime: EmulatedRuntime()) }

    /// The emulation with every kernel and product skipped: only the host's share of the GPU
    /// path runs (benchmarks of that share; the numbers computed are meaningless).
    public static func hostSideOnly() -> CUDADevice { CUDADevice(runtime: EmulatedRuntime(executingKernels: false)) }

    /// The emulation with every grid-stride launch run on `blocks` × `threads` instead of the grid
    /// the backend chooses (tests: fewer threads than elements, and more); reductions keep theirs.
    public static func emulated(blocks: Int, threads: Int) -> CUDADevice {
        CUDADevice(runtime: EmulatedRuntime(), geometry: (blocks, threads))
    }

    /// A launch grid that replaces the chosen one (``emulated(blocks:threads:)``).
    let geometry: (blocks: Int, threads: Int)?

    init(runtime: DeviceRuntime, geometry: (blocks: Int, threads: Int)? = nil) {
        self.runtime = runtime
        self.geometry = geometry
    }

    /// Waits until every queued operation has finished.
    public func synchronize() throws { try runtime.synchronize() }

    /// Products in TF32 (tensor cores) instead of FP32.
    public func useTF32(_ on: Bool) throws { try runtime.setTF32(on) }

    /// Row-major `C ← α·op(A)·op(B) + β·C`; shapes as in `Kernels.gemm`.
    ///
    /// cuBLAS is column-major, and a row-major matrix read column-major is its transpose, so this
    /// computes `Cᵀ = op(B)ᵀ·op(A)ᵀ`: the column-major call with the operands swapped and m and n
    /// exchanged.
    public func gemm(_ a: DeviceMatrix, transA: Bool = false, _ b: DeviceMatrix, transB: Bool = false,
                     into c: DeviceMatrix, alpha: Float = 1, beta: Float = 0) throws {
        let m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols
        let kb = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols
        guard k == kb, c.rows == m, c.cols == n else {
            throw CUDAError("gemm: shapes \(a.rows)×\(a.cols)\(transA ? "ᵀ" : "") · \(b.rows)×\(b.cols)\(transB ? "ᵀ" : "") into \(c.rows)×\(c.cols)")
        }
        if m == 0 || n == 0 { return }
        try runtime.sgemmColumnMajor(transA: transB, transB: transA, m: n, n: m, k: k, alpha: alpha,
                                     a: b.address, lda: max(b.stride, 1), b: a.address, ldb: max(a.stride, 1),
                                     beta: beta, c: c.address, ldc: max(c.stride, 1))
    }

    /// Launches `kernel` with a grid-stride loop over `elements` (256 threads per block, at most
    /// 65,535 blocks, or `blocks` when given), after checking the arguments against the kernel's
    /// signature (``KernelTable``). Each parameter sits in its own 8-byte slot, and the kernel
    /// reads from it as many bytes as its signature says.
    func launch(_ kernel: String, elements: Int, blocks fixedBlocks: Int? = nil, _ arguments: [KernelArgument]) throws {
        try KernelTable.check(kernel, arguments)
        guard elements > 0 else { return }
        var threads = 256, blocks = fixedBlocks ?? min((elements + threads - 1) / threads, 65_535)
        if fixedBlocks == nil, let geometry { (blocks, threads) = geometry }
        var slots = arguments.map(Self.slot)
        try slots.withUnsafeMutableBufferPointer { v in
            var parameters: [UnsafeMutableRawPointer?] = (0..<v.count).map { UnsafeMutableRawPointer(v.baseAddress! + $0) }
            try parameters.withUnsafeMutableBufferPointer { p in
                try runtime.launch(kernel, blocks: blocks, threads: threads, parameters: p.baseAddress!)
            }
        }
    }

    /// An argument's bytes in an 8-byte slot (a float in the low four, as the kernel reads it).
    private static func slot(_ argument: KernelArgument) -> UInt64 {
        switch argument {
        case .address(let a): UInt64(a)
        case .int(let i): UInt64(bitPattern: Int64(i))
        case .word(let w): w
        case .float(let f): UInt64(f.bitPattern)
        }
    }
}

/// Floats in GPU memory, freed with the object.
public final class DeviceBuffer: @unchecked Sendable {
    public let device: CUDADevice
    public let count: Int
    /// The device address.
    public let address: UInt64

    public init(device: CUDADevice, count: Int) throws {
        self.device = device
        self.count = count
        address = try device.runtime.allocate(bytes: count * MemoryLayout<Float>.stride)
    }

    deinit { device.runtime.free(address) }

    /// Copies `values` (at most `count`) to the start of the buffer.
    public func upload(_ values: UnsafeBufferPointer<Float>) throws {
        precondition(values.count <= count, "upload: \(values.count) values into \(count)")
        guard let base = values.baseAddress, values.count > 0 else { return }
        try device.runtime.upload(to: address, from: base, bytes: values.count * MemoryLayout<Float>.stride)
    }

    /// Copies the first `into.count` floats to the host (waits for queued work first).
    public func download(into values: UnsafeMutableBufferPointer<Float>) throws {
        precondition(values.count <= count, "download: \(values.count) values from \(count)")
        guard let base = values.baseAddress, values.count > 0 else { return }
        try device.runtime.download(from: address, into: base, bytes: values.count * MemoryLayout<Float>.stride)
    }

    /// A row-major matrix view `[rows, cols]` with row stride `stride` starting `offset` floats in.
    public func matrix(rows: Int, cols: Int, stride: Int? = nil, offset: Int = 0) -> DeviceMatrix {
        let s = stride ?? cols
        precondition(offset >= 0 && (rows == 0 || offset + (rows - 1) * s + cols <= count),
                     "DeviceBuffer.matrix: \(rows)×\(cols) (stride \(s), offset \(offset)) exceeds \(count) floats")
        return DeviceMatrix(address: address + UInt64(offset * MemoryLayout<Float>.stride), rows: rows, cols: cols, stride: s)
    }
}

/// A row-major matrix in GPU memory: `rows × cols` floats whose rows start `stride` apart.
public struct DeviceMatrix: Sendable {
    public let address: UInt64
    public let rows: Int
    public let cols: Int
    public let stride: Int
}

extension CUDADevice {
    /// Seconds per row-major product `[m, k]·[k, n]` on this GPU: `repeats` calls queued back to
    /// back after a warm-up, timed from the host around a final synchronisation (the per-call
    /// queueing cost is included, as it is in an update).
    public func timeGemm(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, repeats: Int = 50) throws -> Double {
        let a = try DeviceBuffer(device: self, count: m * k), b = try DeviceBuffer(device: self, count: k * n)
        let c = try DeviceBuffer(device: self, count: m * n)
        let am = transA ? a.matrix(rows: k, cols: m) : a.matrix(rows: m, cols: k)
        let bm = transB ? b.matrix(rows: n, cols: k) : b.matrix(rows: k, cols: n)
        let cm = c.matrix(rows: m, cols: n)
        for _ in 0..<3 { try gemm(am, transA: transA, bm, transB: transB, into: cm) }
        try synchronize()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { try gemm(am, transA: transA, bm, transB: transB, into: cm) }
        try synchronize()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats)
    }
}

import Foundation
import TensorCore

/// The CUDA backend as a `TensorCore` compute device: tensors made inside
/// `Devices.using(device) { … }` live in GPU memory, and the kernels of `TensorCore.Kernels`
/// run there (cuBLAS for the products, the kernels of `Kernels/*.cu` for the rest), so the
/// algorithms above the kernels run unchanged on the GPU.
///
/// ``emulated()`` gives the same device on the CPU emulation, whose addresses fault if host code
/// reads them: tests run whole updates on it against the CPU to check that every step stays on
/// the device and computes the same numbers.
///
/// The backend knows no kernel by kind: a named launch goes to the kernel of that name, its
/// arguments checked against the kernel's signature (``KernelTable``).
///
/// Kernels do not throw; a CUDA failure inside one stops the program with the call that failed.
public final class CUDAComputeDevice: ComputeDevice, @unchecked Sendable {
    public let cuda: CUDADevice
    public var name: String { cuda.name }
    private let lock = NSLock()
    public private(set) var activity = DeviceActivity()
    /// Float64 partial sums of the reductions, grown on demand, and their host copy.
    private var partials: DeviceBuffer?
    private var hostPartials: [Double] = []
    /// Blocks of 256 threads per reduction: at most 8,192 partial sums (64 KB) come back for
    /// the largest tensor, a few hundred for the small ones.
    static let reductionBlocks = 32

    public init(_ cuda: CUDADevice) { self.cuda = cuda }

    /// Device 0 of this machine's GPUs.
    public static func open() throws -> CUDAComputeDevice { CUDAComputeDevice(try CUDADevice.open()) }

    /// The backend on the CPU emulation (tests; see ``CUDADevice/emulated()``).
    public static func emulated() -> CUDAComputeDevice { CUDAComputeDevice(CUDADevice.emulated()) }

    /// The emulation with a fixed launch grid (see ``CUDADevice/emulated(blocks:threads:)``).
    public static func emulated(blocks: Int, threads: Int) -> CUDAComputeDevice {
        CUDAComputeDevice(CUDADevice.emulated(blocks: blocks, threads: threads))
    }

    /// The backend's host side alone, kernels skipped (see ``CUDADevice/hostSideOnly()``).
    public static func hostSideOnly() -> CUDAComputeDevice { CUDAComputeDevice(CUDADevice.hostSideOnly()) }

    static func address<T>(_ p: UnsafePointer<T>) -> UInt64 { UInt64(UInt(bitPattern: p)) }
    static func address<T>(_ p: UnsafeMutablePointer<T>) -> UInt64 { UInt64(UInt(bitPattern: p)) }

    private func attempt(_ what: @autoclosure () -> String, _ body: () throws -> Void) {
        do { try body() } catch { fatalError("\(what()) on \(name): \(error)") }
    }

    public func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        activity.allocations += 1
        var address: UInt64 = 0
        attempt("allocating \(count) floats") { address = try cuda.runtime.allocate(bytes: count * MemoryLayout<Float>.stride) }
        return UnsafeMutablePointer(bitPattern: UInt(address))!
    }

    public func deallocate(_ pointer: UnsafeMutablePointer<Float>) { cuda.runtime.free(Self.address(pointer)) }

    public func copy(_ count: Int, from source: UnsafePointer<Float>, onDevice sourceOnDevice: Bool,
                     to destination: UnsafeMutablePointer<Float>, onDevice destinationOnDevice: Bool) {
        guard count > 0 else { return }
        if sourceOnDevice != destinationOnDevice { activity.transfers += 1 } else if sourceOnDevice { activity.kernels += 1 }
        let bytes = count * MemoryLayout<Float>.stride
        attempt("copying \(count) floats") {
            switch (sourceOnDevice, destinationOnDevice) {
            case (true, true): try cuda.runtime.copyOnDevice(from: Self.address(source), to: Self.address(destination), bytes: bytes)
            case (false, true): try cuda.runtime.upload(to: Self.address(destination), from: source, bytes: bytes)
            case (true, false): try cuda.runtime.download(from: Self.address(source), into: destination, bytes: bytes)
            case (false, false): destination.update(from: source, count: count)
            }
        }
    }

    public func run(_ kernel: DeviceKernel) {
        activity.kernels += 1
        attempt("Kernels.\(kernel.name)") { try launch(kernel) }
    }

    private func launch(_ kernel: DeviceKernel) throws {
        switch kernel {
        case let .gemm(a, transA, b, transB, c, alpha, beta):
            func view(_ m: MatrixRef) -> DeviceMatrix {
                DeviceMatrix(address: Self.address(m.base), rows: m.rows, cols: m.cols, stride: m.stride)
            }
            try cuda.gemm(view(a), transA: transA, view(b), transB: transB, into: view(c), alpha: alpha, beta: beta)
        case let .named(name, elements, arguments):
            try cuda.launch(name, elements: elements, arguments)
        }
    }

    public func synchronize() { attempt("synchronizing") { try cuda.synchronize() } }

    /// Each reduction writes one Float64 partial per thread of its grid into its own region of
    /// a scratch buffer; one download brings all of them back, and the host adds each region.
    public func reduce(_ reductions: [DeviceReduction]) -> [Double] {
        activity.kernels += reductions.count
        activity.waits += 1
        var results = [Double](repeating: 0, count: reductions.count)
        attempt("a reduction") {
            try lock.withLock {
                let threads = 256
                var launches: [(kernel: String, operands: [UInt64], count: Int, blocks: Int, offset: Int)] = []
                var doubles = 0
                for r in reductions {
                    let (kernel, operands, count): (String, [UInt64], Int) = switch r {
                    case let .sum(x, n): ("rfm_sum_partial", [Self.address(x)], n)
                    case let .sumOfSquares(x, n): ("rfm_sum_of_squares_partial", [Self.address(x)], n)
                    case let .sumOfSquaredDifferences(a, b, n):
                        ("rfm_squared_difference_partial", [Self.address(a), Self.address(b)], n)
                    }
                    let blocks = min(max((count + threads - 1) / threads, 1), Self.reductionBlocks)
                    launches.append((kernel, operands, count, blocks, doubles))
                    doubles += blocks * threads
                }
                // Doubles, two floats each.
                if partials == nil || partials!.count < 2 * doubles { partials = try DeviceBuffer(device: cuda, count: 2 * doubles) }
                let scratch = partials!
                for l in launches where l.count > 0 {
                    try cuda.launch(l.kernel, elements: l.count, blocks: l.blocks,
                                    l.operands.map { .address(UInt($0)) } + [.address(UInt(scratch.address) + UInt(8 * l.offset)), .int(l.count)])
                }
                if hostPartials.count < doubles { hostPartials = [Double](repeating: 0, count: doubles) }
                try hostPartials.withUnsafeMutableBytes { bytes in
                    try scratch.download(into: UnsafeMutableBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: Float.self),
                                                                          count: 2 * doubles))
                }
                for (i, l) in launches.enumerated() where l.count > 0 {
                    results[i] = hostPartials[l.offset..<(l.offset + l.blocks * threads)].reduce(0, +)
                }
            }
        }
        return results
    }
}

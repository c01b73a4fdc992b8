import CBLAS
import CUDAEmulation
import Foundation

/// The CUDA backend without a GPU: "device memory" is host memory, a launch runs the kernel of
/// `Kernels/*.cu` compiled for the CPU (the `CUDAEmulation` target) over every (block, thread)
/// of the grid, and the column-major SGEMM is OpenBLAS's. Everything above ``DeviceRuntime`` (the
/// row-major products, argument packing, launch geometry, buffer views) runs unchanged, so it is
/// tested on every machine. Copies are checked against the allocations they touch.
///
/// Device addresses are host addresses moved by `RFM_EMULATED_ADDRESS_OFFSET` out of the address
/// space, so Swift code that dereferences device memory faults here as it would with a GPU.
///
/// With `executingKernels` false (a dry run) launches and products do nothing: what is left is
/// the host's share of the GPU path (dispatch, argument packing, copies), which bounds how fast
/// an update can be queued. The numbers computed are then meaningless.
final class EmulatedRuntime: DeviceRuntime, @unchecked Sendable {
    let info: DeviceInfo
    let executingKernels: Bool
    private let lock = NSLock()
    private var allocations: [UInt64: Int] = [:]

    init(executingKernels: Bool = true) {
        self.executingKernels = executingKernels
        info = DeviceInfo(name: executingKernels ? "CUDA emulation on the CPU" : "CUDA backend's host side (kernels skipped)",
                          memoryBytes: Int(ProcessInfo.processInfo.physicalMemory), capability: 0, driverVersion: "none",
                          compilerVersion: "none", libraryPaths: [:], emulated: true)
    }

    func allocate(bytes: Int) throws -> UInt64 {
        let size = max(bytes, 4)
        guard let p = calloc(size, 1) else { throw CUDAError("emulated allocation of \(bytes) bytes failed") }
        let address = UInt64(UInt(bitPattern: p)) + Self.offset
        lock.withLock { allocations[address] = size }
        return address
    }

    func free(_ address: UInt64) {
        lock.withLock { _ = allocations.removeValue(forKey: address) }
        Foundation.free(host(address))
    }

    static let offset = UInt64(RFM_EMULATED_ADDRESS_OFFSET)

    /// The host memory behind an emulated device address.
    private func host(_ address: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(address - Self.offset))!
    }

    /// Throws unless `[address, address + bytes)` lies inside one live allocation.
    private func checkRange(_ address: UInt64, _ bytes: Int, _ what: String) throws {
        let inside = lock.withLock {
            allocations.contains { start, size in address >= start && address + UInt64(bytes) <= start + UInt64(size) }
        }
        guard inside else { throw CUDAError("\(what): \(bytes) bytes at 0x\(String(address, radix: 16)) are outside every allocation") }
    }

    func upload(to address: UInt64, from host: UnsafeRawPointer, bytes: Int) throws {
        try checkRange(address, bytes, "upload")
        self.host(address).copyMemory(from: host, byteCount: bytes)
    }

    func download(from address: UInt64, into host: UnsafeMutableRawPointer, bytes: Int) throws {
        try checkRange(address, bytes, "download")
        host.copyMemory(from: self.host(address), byteCount: bytes)
    }

    func copyOnDevice(from source: UInt64, to destination: UInt64, bytes: Int) throws {
        try checkRange(source, bytes, "device copy")
        try checkRange(destination, bytes, "device copy")
        host(destination).copyMemory(from: host(source), byteCount: bytes)
    }

    func launch(_ kernel: String, blocks: Int, threads: Int, parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        guard executingKernels else { return }
        guard rfm_emulate_launch(kernel, parameters, Int32(blocks), Int32(threads)) == 0 else {
            throw CUDAError("kernel \(kernel) is unknown to the emulation")
        }
    }

    func sgemmColumnMajor(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                          a: UInt64, lda: Int, b: UInt64, ldb: Int, beta: Float, c: UInt64, ldc: Int) throws {
        guard executingKernels else { return }
        func pointer(_ address: UInt64) -> UnsafeMutablePointer<Float> { host(address).assumingMemoryBound(to: Float.self) }
        cblas_sgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, pointer(a), Int32(lda), pointer(b), Int32(ldb), beta, pointer(c), Int32(ldc))
    }

    func setTF32(_ on: Bool) throws {}

    func synchronize() throws {}
}

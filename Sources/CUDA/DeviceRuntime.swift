import Foundation

/// What ``CUDADevice`` needs from a GPU: memory, copies, kernel launches by name, and a
/// column-major SGEMM with cuBLAS's conventions.
///
/// Two implementations: ``DriverRuntime`` (the real GPU through the driver API, cuBLAS and NVRTC)
/// and ``EmulatedRuntime`` (host memory, the same kernel source compiled for the CPU, OpenBLAS),
/// which runs everything above this protocol on machines without a GPU, so the backend's code
/// is tested there too.
protocol DeviceRuntime: AnyObject, Sendable {
    var info: DeviceInfo { get }
    /// Device memory of `bytes` bytes (at least one), zero-filled.
    func allocate(bytes: Int) throws -> UInt64
    func free(_ address: UInt64)
    func upload(to address: UInt64, from host: UnsafeRawPointer, bytes: Int) throws
    /// Waits for queued work, then copies.
    func download(from address: UInt64, into host: UnsafeMutableRawPointer, bytes: Int) throws
    /// A copy within device memory, queued after earlier work.
    func copyOnDevice(from source: UInt64, to destination: UInt64, bytes: Int) throws
    /// Launches `kernel` on a one-dimensional grid; `parameters` holds one pointer per kernel
    /// parameter, each to the parameter's value (the driver's `kernelParams`).
    func launch(_ kernel: String, blocks: Int, threads: Int, parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws
    /// cuBLAS's column-major `C ← α·op(A)·op(B) + β·C`, `op(A)` `[m, k]`, `op(B)` `[k, n]`.
    func sgemmColumnMajor(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                          a: UInt64, lda: Int, b: UInt64, ldb: Int, beta: Float, c: UInt64, ldc: Int) throws
    /// TF32 tensor-core products (no effect where there are none).
    func setTF32(_ on: Bool) throws
    func synchronize() throws
}

/// A device's description, as `rfm device` reports it.
struct DeviceInfo: Sendable {
    var name: String
    var memoryBytes: Int
    /// Compute capability as major·10 + minor; 0 for the emulation.
    var capability: Int
    var driverVersion: String
    var compilerVersion: String
    var libraryPaths: [String: String]
    var emulated: Bool
}

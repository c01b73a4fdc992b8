import Foundation

/// cuBLAS (`libcublas.so.13`, or 12), opened at run time: single-precision GEMM in FP32 or TF32.
final class CUBLAS: @unchecked Sendable {
    typealias Status = Int32

    let library: DynamicLibrary
    let handle: OpaquePointer
    private let cublasSgemm: @convention(c) (OpaquePointer, Int32, Int32, Int32, Int32, Int32,
                                             UnsafePointer<Float>, UInt64, Int32, UInt64, Int32,
                                             UnsafePointer<Float>, UInt64, Int32) -> Status
    private let cublasSetMathMode: @convention(c) (OpaquePointer, Int32) -> Status
    private let cublasGetStatusString: (@convention(c) (Status) -> UnsafePointer<CChar>?)?

    /// `CUBLAS_DEFAULT_MATH` and `CUBLAS_TF32_TENSOR_OP_MATH`.
    static let fp32Math: Int32 = 0
    static let tf32Math: Int32 = 3

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        library = try DynamicLibrary("cuBLAS", names: ["libcublas.so.13", "libcublas.so.12", "libcublas.so"], environment: environment)
        let create: @convention(c) (UnsafeMutablePointer<OpaquePointer?>) -> Status = try library.function("cublasCreate_v2")
        cublasSgemm = try library.function("cublasSgemm_v2")
        cublasSetMathMode = try library.function("cublasSetMathMode")
        cublasGetStatusString = try? library.function("cublasGetStatusString")
        var h: OpaquePointer?
        let status = create(&h)
        guard status == 0, let h else {
            throw CUDAError("cublasCreate failed: status \(status) (is a GPU visible to this process?)")
        }
        handle = h
    }

    func check(_ status: Status, _ call: @autoclosure () -> String) throws {
        guard status != 0 else { return }
        let text = cublasGetStatusString?(status).map { String(cString: $0) } ?? "status \(status)"
        throw CUDAError("\(call()) failed: \(text)")
    }

    /// TF32 tensor-core products (about 10 mantissa bits in the products, FP32 accumulation) or
    /// plain FP32.
    func setTF32(_ on: Bool) throws {
        try check(cublasSetMathMode(handle, on ? CUBLAS.tf32Math : CUBLAS.fp32Math), "cublasSetMathMode")
    }

    /// Column-major `C ← α·op(A)·op(B) + β·C`, `op(A)` `[m, k]`, `op(B)` `[k, n]`, leading
    /// dimensions `lda`, `ldb`, `ldc` (cuBLAS's own convention; ``CUDADevice/gemm`` maps row-major
    /// products onto it).
    func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
               a: UInt64, lda: Int, b: UInt64, ldb: Int, beta: Float, c: UInt64, ldc: Int) throws {
        var alpha = alpha, beta = beta
        try check(cublasSgemm(handle, transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                              &alpha, a, Int32(lda), b, Int32(ldb), &beta, c, Int32(ldc)),
                  "cublasSgemm (\(m)×\(n)×\(k))")
    }
}

import CBLAS
import CSupport

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed

    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Settings of the BLAS library behind ``Kernels/gemm(_:_:_:_:into:alpha:beta:)``.
public enum BLAS {
    /// Fixes the number of threads OpenBLAS uses. Call once at start-up; the program always sets
    /// it explicitly (the library default, "all cores", is not reproducible across machines).
    public static func setThreads(_ count: Int) {
        precondition(count >= 1, "BLAS.setThreads: need at least one thread")
        openblas_set_num_threads(Int32(count))
        Parallel.configure(threads: count)
    }

    /// The CPU kernel family OpenBLAS selected (for benchmark reports).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

/// Counts the floating-point work of every GEMM (2·m·n·k per product) so benchmarks can report
/// effective GFLOP/s of the products actually executed. The count is kept per calling thread, so
/// a measurement is exact whatever other threads compute.
public enum FLOPCounter {
    /// GEMM FLOPs issued by the calling thread so far.
    public static var gemmFLOPs: Double { rfm_flops_read() }

    @usableFromInline static func add(_ flops: Double) { rfm_flops_add(flops) }

    /// Runs `body` and returns the GEMM FLOPs it issued on this thread.
    public static func measure(_ body: () throws -> Void) rethrows -> Double {
        let start = gemmFLOPs
        try body()
        return gemmFLOPs - start
    }
}

extension Kernels {
    /// General matrix product `C ← α·op(A)·op(B) + β·C`, row-major, through OpenBLAS sgemm.
    ///
    /// Shapes: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`. With `β = 0`, C's
    /// previous contents are ignored; with `β = 1` the product is accumulated (gradients).
    @inlinable
    public static func gemm(
        _ a: MatrixRef, _ transA: Transpose = .none,
        _ b: MatrixRef, _ transB: Transpose = .none,
        into c: MatrixRef, alpha: Float = 1, beta: Float = 0
    ) {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        precondition(k == kb, "gemm: inner dimensions differ (\(k) vs \(kb))")
        precondition(c.rows == m && c.cols == n, "gemm: output is \(c.rows)×\(c.cols), product is \(m)×\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            scaleInPlace(c, beta)
            return
        }
        FLOPCounter.add(2 * Double(m) * Double(n) * Double(k))
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a.base, Int32(max(a.stride, 1)),
                    b.base, Int32(max(b.stride, 1)),
                    beta, c.base, Int32(max(c.stride, 1)))
    }

    /// `C ← α·op(A)·op(B) + β·C` on whole tensors.
    @inlinable
    public static func gemm(
        _ a: Tensor, _ transA: Transpose = .none,
        _ b: Tensor, _ transB: Transpose = .none,
        into c: Tensor, alpha: Float = 1, beta: Float = 0
    ) {
        gemm(a.matrix, transA, b.matrix, transB, into: c.matrix, alpha: alpha, beta: beta)
    }

    @usableFromInline
    static func scaleInPlace(_ c: MatrixRef, _ beta: Float) {
        for i in 0..<c.rows {
            let row = c.base + i * c.stride
            for j in 0..<c.cols { row[j] = beta == 0 ? 0 : row[j] * beta }
        }
    }
}

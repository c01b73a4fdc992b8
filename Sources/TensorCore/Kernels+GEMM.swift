import CBLAS
import COneDNN
import CSupport
import Foundation

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed

    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Settings of the library behind ``Kernels/gemm(_:_:_:_:into:alpha:beta:)``.
public enum BLAS {
    /// The library that computes the products.
    ///
    /// oneDNN by default: its sgemm chooses AVX-512 or AVX2 kernels for the machine at run time,
    /// and on the `cpu` preset's small products it measured about twice OpenBLAS's throughput
    /// (docs/benchmarks.md, `scripts/bench/gemm_libraries.sh`). OpenBLAS stays available for
    /// comparison: `RFM_GEMM=openblas` in the environment. Each is deterministic for a given
    /// machine and thread count; the two differ from each other, and oneDNN's results differ
    /// between AVX2 and AVX-512 machines, in the last bits.
    public enum Library: String, Sendable {
        case onednn, openblas
    }

    /// The library in use: `RFM_GEMM` (`onednn` or `openblas`) or oneDNN. Read once.
    public static let library: Library = {
        guard let name = ProcessInfo.processInfo.environment["RFM_GEMM"], !name.isEmpty else { return .onednn }
        guard let chosen = Library(rawValue: name.lowercased()) else {
            fatalError("RFM_GEMM must be onednn or openblas, got '\(name)'")
        }
        return chosen
    }()

    /// Fixes the number of threads the math uses: `count` ``Parallel`` workers, with OpenBLAS
    /// itself single-threaded (large products are split over the workers instead, see
    /// ``Kernels/gemm(_:_:_:_:into:alpha:beta:)``). Call once at start-up; the program always sets
    /// it explicitly (the library default, "all cores", is not reproducible across machines).
    public static func setThreads(_ count: Int) {
        precondition(count >= 1, "BLAS.setThreads: need at least one thread")
        openblas_set_num_threads(1)
        rfm_onednn_set_threads(1)
        Parallel.configure(threads: count)
    }

    /// Runs `body` with the library's own threading at `count` threads on this thread, then
    /// returns it to one thread. For benchmarks that measure the library's multi-threaded sgemm as
    /// the machine's reference figure; call ``rawSgemm`` inside.
    public static func withLibraryThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        openblas_set_num_threads(Int32(max(1, count)))
        rfm_onednn_set_threads(Int32(max(1, count)))
        defer {
            openblas_set_num_threads(1)
            rfm_onednn_set_threads(1)
        }
        return try body()
    }

    /// One library sgemm call `C ← op(A)·op(B)`, bypassing the kernel layer's splitting and FLOP
    /// count (benchmarks of the library itself).
    public static func rawSgemm(_ a: Tensor, _ transA: Transpose, _ b: Tensor, _ transB: Transpose, into c: Tensor) {
        Kernels.sgemm(a.matrix, transA, b.matrix, transB, into: c.matrix, alpha: 1, beta: 0)
    }

    /// The library and the kernel family it selected (for benchmark reports), e.g.
    /// "oneDNN avx512_core" or "OpenBLAS Haswell".
    public static var coreName: String {
        switch library {
        case .onednn: return "oneDNN " + String(cString: rfm_onednn_isa())
        case .openblas:
            guard let name = openblas_get_corename() else { return "OpenBLAS unknown" }
            return "OpenBLAS " + String(cString: name)
        }
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
    ///
    /// Outside a parallel region, a product of at least ``splitFLOPs`` is split over the
    /// ``Parallel`` workers along the longer of C's two dimensions (in multiples of 16, the
    /// AVX2 micro-kernels' height), each part one single-threaded sgemm. Every element of C is the
    /// same dot product over k; where OpenBLAS's kernel tiles rows differently (24-row tiles on
    /// some AVX-512 machines) a split can change the last bits, so numbers are reproducible for a
    /// given thread count, not across thread counts.
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
        if let d = device("gemm", a, b, c) {
            FLOPCounter.add(2 * Double(m) * Double(n) * Double(k))
            d.run(.gemm(a: a, transA: transA != .none, b: b, transB: transB != .none, c: c, alpha: alpha, beta: beta))
            return
        }
        if k == 0 {
            scaleInPlace(c, beta)
            return
        }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        FLOPCounter.add(flops)
        let workers = Parallel.workers
        guard workers > 1, flops >= splitFLOPs, !Parallel.isInsideRegion else {
            sgemm(a, transA, b, transB, into: c, alpha: alpha, beta: beta)
            return
        }
        let alongRows = m >= n
        let length = alongRows ? m : n
        let part = (length + workers - 1) / workers
        let step = max(16, (part + 15) / 16 * 16)
        Parallel.forEachWorker { w in
            let range = min(length, w * step) ..< min(length, (w + 1) * step)
            guard !range.isEmpty else { return }
            if alongRows {
                sgemm(transA == .none ? a.rows(range) : a.columns(range), transA, b, transB,
                      into: c.rows(range), alpha: alpha, beta: beta)
            } else {
                sgemm(a, transA, transB == .none ? b.columns(range) : b.rows(range), transB,
                      into: c.columns(range), alpha: alpha, beta: beta)
            }
        }
    }

    /// Products smaller than this (in FLOPs) run on one thread: below it, waking a second worker
    /// costs more than it saves.
    public static let splitFLOPs: Double = 2_000_000

    /// One single-threaded library call (``BLAS/library``) on views whose shapes are already
    /// checked.
    @usableFromInline
    static func sgemm(_ a: MatrixRef, _ transA: Transpose, _ b: MatrixRef, _ transB: Transpose,
                      into c: MatrixRef, alpha: Float, beta: Float) {
        let k = transA == .none ? a.cols : a.rows
        switch BLAS.library {
        case .onednn:
            guard c.rows > 0, c.cols > 0 else { return }
            guard k > 0 else { return scaleInPlace(c, beta) }
            // A one-row view may carry any stride; oneDNN checks leading dimensions as BLAS does.
            func lead(_ m: MatrixRef) -> Int { m.rows <= 1 ? max(m.stride, m.cols, 1) : m.stride }
            let status = rfm_onednn_sgemm(transA == .none ? 78 : 84, transB == .none ? 78 : 84,  // "N", "T"
                                          c.rows, c.cols, k, alpha, a.base, lead(a), b.base, lead(b), beta, c.base, lead(c))
            precondition(status == 0, "oneDNN sgemm failed with status \(status) on \(c.rows)×\(c.cols)×\(k)")
        case .openblas:
            cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas,
                        Int32(c.rows), Int32(c.cols), Int32(k),
                        alpha, a.base, Int32(max(a.stride, 1)),
                        b.base, Int32(max(b.stride, 1)),
                        beta, c.base, Int32(max(c.stride, 1)))
        }
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

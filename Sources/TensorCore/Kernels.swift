/// The compute seam: every piece of hot math in the project goes through these functions.
///
/// Algorithms (layers, estimators, agents) call `Kernels` and never loop over raw arrays, so the
/// cleverness (BLAS, vectorisation, fusion) lives here and a second backend can replace it without
/// touching the algorithms. The functions are grouped by concern in `Kernels+GEMM.swift`,
/// `Kernels+Elementwise.swift`, `Kernels+Activations.swift` and `Kernels+Reductions.swift`.
///
/// Conventions: outputs are passed as `into:` and must already have the right shape (shapes are
/// checked with preconditions); no function allocates; an output may alias an input where the
/// documentation says "in place is fine".
public enum Kernels {}

/// Elementwise kernels need equal shapes; a vector `[n]` and a column `[n, 1]` also agree, since
/// both are n consecutive values. Public for the kernels defined above TensorCore.
public func checkShape(_ a: Tensor, _ b: Tensor, _ what: StaticString) {
    let same = a.rows == b.rows && a.cols == b.cols
    let bothVectorLike = (a.rows == 1 || a.cols == 1) && (b.rows == 1 || b.cols == 1) && a.count == b.count
    precondition(same || bothVectorLike, "\(what): shape mismatch \(a.shape) vs \(b.shape)")
}

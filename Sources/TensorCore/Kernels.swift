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

@usableFromInline
func checkShape(_ a: Tensor, _ b: Tensor, _ what: StaticString) {
    precondition(a.rows == b.rows && a.cols == b.cols,
                 "\(what): shape mismatch \(a.shape) vs \(b.shape)")
}

import Foundation
import TensorCore

/// The posterior estimator's, SAC's and the twin critic's small pointwise formulas, as named
/// kernels rather than closures: each has one CPU definition here and one device kernel of the
/// same name (`Sources/CUDA/Kernels/rfm_method_kernels.cu`), which a device runs through TensorCore's
/// generic named launch. They live with the method, not in TensorCore, which holds only generic
/// primitives. In place is fine for all.
extension Kernels {
    /// `out ← log sech² y = −2(|y| + log1p(e^{−2|y|}) − log 2)`: the tanh squashing's log-Jacobian
    /// per latent coordinate, stable for large |y|.
    @inlinable public static func tanhLogJacobian(_ y: Tensor, into out: Tensor) {
        if launchedOnDevice("tanhLogJacobian", "rfm_tanh_log_jacobian", y, into: out) { return }
        let p = y.data, q = out.data
        // A logarithm and an exponential per element: many elements in one part per worker (outside
        // a region: the estimator's serial row work; elements independent, so the same numbers).
        Parallel.forEachPart(y.count, minimum: 1024) { r in
            for i in r {
                let a = abs(p[i])
                q[i] = -2 * (a + Foundation.log1p(Foundation.exp(-2 * a)) - Float(M_LN2))
            }
        }
    }

    /// `out ← (1 − a²) ⊙ g / λ − 2a`: the latent score `∇_y log p₁` of the Boltzmann target under
    /// tanh squashing, from the actions `a = tanh y` and `g = ∇ₐQ`.
    @inlinable public static func tanhScore(actions a: Tensor, actionGradient g: Tensor, temperature lambda: Float, into out: Tensor) {
        if launchedOnDevice("tanhScore", "rfm_tanh_score", a, g, into: out, [.float(lambda)]) { return }
        let x = a.data, y = g.data, z = out.data
        for i in 0..<a.count { z[i] = (1 - x[i] * x[i]) * y[i] / lambda - 2 * x[i] }
    }

    /// `c ← clip(−num / (den + ridge), −clip, clip)`: the variance-optimal control-variate
    /// coefficient from its weighted covariance and variance.
    @inlinable public static func controlVariateCoefficient(numerator: Tensor, denominator: Tensor, ridge: Float, clip: Float,
                                                           into c: Tensor) {
        if launchedOnDevice("controlVariateCoefficient", "rfm_control_variate_coefficient", numerator, denominator, into: c,
                            [.float(ridge), .float(clip)]) { return }
        let n = numerator.data, d = denominator.data, z = c.data
        for i in 0..<c.count { z[i] = min(max(-n[i] / (d[i] + ridge), -clip), clip) }
    }

    /// `out ← 1` where `a < b`, `½` where `a = b`, `0` elsewhere: the share of `∂ min(a, b)` that
    /// flows to `a` (called with the arguments swapped for `b`'s share).
    @inlinable public static func minimumShare(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("minimumShare", "rfm_minimum_share", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = x[i] < y[i] ? 1 : (x[i] == y[i] ? 0.5 : 0) }
    }
}

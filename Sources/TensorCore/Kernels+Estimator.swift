import Foundation

/// The small pointwise formulas of the posterior estimator, the twin critic's pessimistic value
/// and the flow's path, as named kernels rather than closures, so that each has one definition
/// the CUDA backend mirrors (`Sources/CUDA/Kernels/rfm_kernels.cu`). In place is fine for all.
extension Kernels {
    /// `y ← 1 / (x + offset)` (offset 0: the plain reciprocal; 1e-12: the ESS's guard).
    @inlinable public static func reciprocal(_ x: Tensor, plus offset: Float = 0, into y: Tensor) {
        checkShape(x, y, "reciprocal")
        if let d = device("reciprocal", x, y) {
            d.launch("rfm_reciprocal", elements: x.count, .pointer(x.data), .pointer(y.data), .float(offset), .int(x.count))
            return
        }
        let p = x.data, q = y.data
        if offset == 0 {
            for i in 0..<x.count { q[i] = 1 / p[i] }
        } else {
            for i in 0..<x.count { q[i] = 1 / (p[i] + offset) }
        }
    }

    /// `out ← a / b`, or `−a / b` when `negated`.
    @inlinable public static func ratio(_ a: Tensor, _ b: Tensor, negated: Bool = false, into out: Tensor) {
        checkShape(a, b, "ratio"); checkShape(a, out, "ratio")
        if let d = device("ratio", a, b, out) {
            d.launch("rfm_ratio", elements: a.count, .pointer(a.data), .pointer(b.data), .pointer(out.data), .int(negated ? 1 : 0), .int(a.count))
            return
        }
        let x = a.data, y = b.data, z = out.data
        if negated {
            for i in 0..<a.count { z[i] = -x[i] / y[i] }
        } else {
            for i in 0..<a.count { z[i] = x[i] / y[i] }
        }
    }

    /// `out ← (a / b)²`: the gradient-expectation coefficient `((1 − t)/t)²` from β and α.
    @inlinable public static func squaredRatio(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        checkShape(a, b, "squaredRatio"); checkShape(a, out, "squaredRatio")
        if let d = device("squaredRatio", a, b, out) {
            d.launch("rfm_squared_ratio", elements: a.count, .pointer(a.data), .pointer(b.data), .pointer(out.data), .int(a.count))
            return
        }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = (x[i] / y[i]) * (x[i] / y[i]) }
    }

    /// `out ← (x + c) − s·y` (in place on either is fine).
    @inlinable public static func shiftedDifference(_ x: Tensor, plus c: Float, minus s: Float, times y: Tensor, into out: Tensor) {
        checkShape(x, y, "shiftedDifference"); checkShape(x, out, "shiftedDifference")
        if let d = device("shiftedDifference", x, y, out) {
            d.launch("rfm_shifted_difference", elements: x.count, .pointer(x.data), .pointer(y.data), .pointer(out.data), .float(c), .float(s),
                     .int(x.count))
            return
        }
        let p = x.data, r = y.data, z = out.data
        for i in 0..<x.count { z[i] = p[i] + c - s * r[i] }
    }

    /// `out ← x + c` (in place is fine; `x − c` is `x + (−c)` exactly).
    @inlinable public static func addScalar(_ x: Tensor, _ c: Float, into out: Tensor) {
        checkShape(x, out, "addScalar")
        if let d = device("addScalar", x, out) {
            d.launch("rfm_add_scalar", elements: x.count, .pointer(x.data), .pointer(out.data), .float(c), .int(x.count))
            return
        }
        let p = x.data, z = out.data
        for i in 0..<x.count { z[i] = p[i] + c }
    }

    /// `out ← max(x, v)` with Swift's `max` (a NaN in x stays; in place is fine).
    @inlinable public static func floor(_ x: Tensor, at v: Float, into out: Tensor) {
        checkShape(x, out, "floor")
        if let d = device("floor", x, out) {
            d.launch("rfm_floor", elements: x.count, .pointer(x.data), .pointer(out.data), .float(v), .int(x.count))
            return
        }
        let p = x.data, z = out.data
        for i in 0..<x.count { z[i] = max(p[i], v) }
    }

    /// `y ← √x` (in place is fine).
    @inlinable public static func squareRoot(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "squareRoot")
        if let d = device("squareRoot", x, y) {
            d.launch("rfm_sqrt", elements: x.count, .pointer(x.data), .pointer(y.data), .int(x.count))
            return
        }
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = p[i].squareRoot() }
    }

    /// `y ← 1 − x` (β = 1 − t on the flow's path).
    @inlinable public static func oneMinus(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "oneMinus")
        if let d = device("oneMinus", x, y) {
            d.launch("rfm_one_minus", elements: x.count, .pointer(x.data), .pointer(y.data), .int(x.count))
            return
        }
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = 1 - p[i] }
    }

    /// `out ← log sech² y = −2(|y| + log1p(e^{−2|y|}) − log 2)`: the tanh squashing's log-Jacobian
    /// per latent coordinate, stable for large |y|.
    @inlinable public static func tanhLogJacobian(_ y: Tensor, into out: Tensor) {
        checkShape(y, out, "tanhLogJacobian")
        if let d = device("tanhLogJacobian", y, out) {
            d.launch("rfm_tanh_log_jacobian", elements: y.count, .pointer(y.data), .pointer(out.data), .int(y.count))
            return
        }
        let p = y.data, q = out.data
        for i in 0..<y.count {
            let a = abs(p[i])
            q[i] = -2 * (a + Foundation.log1p(Foundation.exp(-2 * a)) - Float(M_LN2))
        }
    }

    /// `out ← (1 − a²) ⊙ g / λ − 2a`: the latent score `∇_y log p₁` of the Boltzmann target under
    /// tanh squashing, from the actions `a = tanh y` and `g = ∇ₐQ`.
    @inlinable public static func tanhScore(actions a: Tensor, actionGradient g: Tensor, temperature lambda: Float, into out: Tensor) {
        checkShape(a, g, "tanhScore"); checkShape(a, out, "tanhScore")
        if let d = device("tanhScore", a, g, out) {
            d.launch("rfm_tanh_score", elements: a.count, .pointer(a.data), .pointer(g.data), .pointer(out.data), .float(lambda), .int(a.count))
            return
        }
        let x = a.data, y = g.data, z = out.data
        for i in 0..<a.count { z[i] = (1 - x[i] * x[i]) * y[i] / lambda - 2 * x[i] }
    }

    /// `c ← clip(−num / (den + ridge), −clip, clip)`: the variance-optimal control-variate
    /// coefficient from its weighted covariance and variance.
    @inlinable public static func controlVariateCoefficient(numerator: Tensor, denominator: Tensor, ridge: Float, clip: Float,
                                                           into c: Tensor) {
        checkShape(numerator, denominator, "controlVariateCoefficient"); checkShape(numerator, c, "controlVariateCoefficient")
        if let d = device("controlVariateCoefficient", numerator, denominator, c) {
            d.launch("rfm_control_variate_coefficient", elements: c.count, .pointer(numerator.data), .pointer(denominator.data),
                     .pointer(c.data), .float(ridge), .float(clip), .int(c.count))
            return
        }
        let n = numerator.data, d = denominator.data, z = c.data
        for i in 0..<c.count { z[i] = min(max(-n[i] / (d[i] + ridge), -clip), clip) }
    }

    /// `out ← 1` where `a < b`, `½` where `a = b`, `0` elsewhere: the share of `∂ min(a, b)` that
    /// flows to `a` (called with the arguments swapped for `b`'s share).
    @inlinable public static func minimumShare(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        checkShape(a, b, "minimumShare"); checkShape(a, out, "minimumShare")
        if let d = device("minimumShare", a, b, out) {
            d.launch("rfm_minimum_share", elements: a.count, .pointer(a.data), .pointer(b.data), .pointer(out.data), .int(a.count))
            return
        }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = x[i] < y[i] ? 1 : (x[i] == y[i] ? 0.5 : 0) }
    }
}

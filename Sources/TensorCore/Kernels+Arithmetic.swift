import Foundation

/// Small pointwise arithmetic (reciprocals, ratios, shifts, square roots) as named kernels rather
/// than closures, so that each has one definition a device backend mirrors
/// (`Sources/CUDA/Kernels/*.cu`). In place is fine for all. The method's own formulas
/// built on them live with the method (`Sources/ReverseFlow/Kernels/`).
extension Kernels {
    /// `y ← 1 / (x + offset)` (offset 0: the plain reciprocal; 1e-12: the ESS's guard).
    @inlinable public static func reciprocal(_ x: Tensor, plus offset: Float = 0, into y: Tensor) {
        if launchedOnDevice("reciprocal", "rfm_reciprocal", x, into: y, [.float(offset)]) { return }
        let p = x.data, q = y.data
        if offset == 0 {
            for i in 0..<x.count { q[i] = 1 / p[i] }
        } else {
            for i in 0..<x.count { q[i] = 1 / (p[i] + offset) }
        }
    }

    /// `out ← a / b`, or `−a / b` when `negated`.
    @inlinable public static func ratio(_ a: Tensor, _ b: Tensor, negated: Bool = false, into out: Tensor) {
        if launchedOnDevice("ratio", "rfm_ratio", a, b, into: out, [.int(negated ? 1 : 0)]) { return }
        let x = a.data, y = b.data, z = out.data
        if negated {
            for i in 0..<a.count { z[i] = -x[i] / y[i] }
        } else {
            for i in 0..<a.count { z[i] = x[i] / y[i] }
        }
    }

    /// `out ← (a / b)²`.
    @inlinable public static func squaredRatio(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("squaredRatio", "rfm_squared_ratio", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = (x[i] / y[i]) * (x[i] / y[i]) }
    }

    /// `out ← (x + c) − s·y` (in place on either is fine).
    @inlinable public static func shiftedDifference(_ x: Tensor, plus c: Float, minus s: Float, times y: Tensor, into out: Tensor) {
        if launchedOnDevice("shiftedDifference", "rfm_shifted_difference", x, y, into: out, [.float(c), .float(s)]) { return }
        let p = x.data, r = y.data, z = out.data
        for i in 0..<x.count { z[i] = p[i] + c - s * r[i] }
    }

    /// `out ← x + c` (in place is fine; `x − c` is `x + (−c)` exactly).
    @inlinable public static func addScalar(_ x: Tensor, _ c: Float, into out: Tensor) {
        if launchedOnDevice("addScalar", "rfm_add_scalar", x, into: out, [.float(c)]) { return }
        let p = x.data, z = out.data
        for i in 0..<x.count { z[i] = p[i] + c }
    }

    /// `out ← max(x, v)` elementwise with Swift's `max`, a lower bound `v` on every entry (a NaN in
    /// x stays; in place is fine).
    @inlinable public static func maximum(_ x: Tensor, _ v: Float, into out: Tensor) {
        if launchedOnDevice("maximum", "rfm_floor", x, into: out, [.float(v)]) { return }
        let p = x.data, z = out.data
        for i in 0..<x.count { z[i] = max(p[i], v) }
    }

    /// `y ← √x` (in place is fine).
    @inlinable public static func squareRoot(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("squareRoot", "rfm_sqrt", x, into: y) { return }
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = p[i].squareRoot() }
    }

    /// `y ← 1 − x`.
    @inlinable public static func oneMinus(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("oneMinus", "rfm_one_minus", x, into: y) { return }
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = 1 - p[i] }
    }
}

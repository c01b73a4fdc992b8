import Foundation

extension Kernels {
    /// `y ← max(x, 0)` (in place is fine).
    @inlinable public static func relu(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "relu")
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = max(p[i], 0) }
    }

    /// `dx ← dy ⊙ 1[x > 0]`, where `x` is the ReLU input (pre-activation); in place on `dy` is fine.
    @inlinable public static func reluBackward(_ dy: Tensor, input y: Tensor, into dx: Tensor) {
        checkShape(dy, y, "reluBackward"); checkShape(dy, dx, "reluBackward")
        let g = dy.data, o = y.data, r = dx.data
        for i in 0..<dy.count { r[i] = o[i] > 0 ? g[i] : 0 }
    }

    /// √(2/π), the constant of GELU's tanh approximation.
    @usableFromInline static let geluScale: Float = 0.7978845608028654
    /// The cubic coefficient of GELU's tanh approximation.
    @usableFromInline static let geluCubic: Float = 0.044715

    /// GELU, tanh approximation (JAX's default, `approximate=True`):
    /// `y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (in place is fine).
    @inlinable public static func gelu(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "gelu")
        let p = x.data, q = y.data
        for i in 0..<x.count {
            let v = p[i]
            let u = geluScale * (v + geluCubic * v * v * v)
            q[i] = 0.5 * v * (1 + Foundation.tanh(u))
        }
    }

    /// `dx ← dy ⊙ GELU'(x)` with
    /// `GELU'(x) = ½(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)`, `u = √(2/π)(x + 0.044715x³)`.
    /// `x` is the GELU input (pre-activation). In place on `dy` is fine.
    @inlinable public static func geluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        checkShape(dy, x, "geluBackward"); checkShape(dy, dx, "geluBackward")
        let g = dy.data, p = x.data, r = dx.data
        for i in 0..<dy.count {
            let v = p[i]
            let v2 = v * v
            let th = Foundation.tanh(geluScale * (v + geluCubic * v2 * v))
            let d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * geluScale * (1 + 3 * geluCubic * v2)
            r[i] = g[i] * d
        }
    }

    /// `y ← tanh(x)` (in place is fine).
    @inlinable public static func tanh(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "tanh")
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = Foundation.tanh(p[i]) }
    }
}

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
        let c = geluScale, k = geluCubic
        forEachLane(x.data, y.data, count: x.count) { v in
            let u: Lanes = c * (v + k * v * v * v)
            return 0.5 * v * (1 + tanh(u))
        }
    }

    /// `dx ← dy ⊙ GELU'(x)` with
    /// `GELU'(x) = ½(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)`, `u = √(2/π)(x + 0.044715x³)`.
    /// `x` is the GELU input (pre-activation). In place on `dy` is fine.
    @inlinable public static func geluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        checkShape(dy, x, "geluBackward"); checkShape(dy, dx, "geluBackward")
        let c = geluScale, k = geluCubic
        forEachLane(x.data, dy.data, dx.data, count: x.count) { v, g in
            let v2: Lanes = v * v
            let th: Lanes = tanh(c * (v + k * v2 * v))
            let outer: Lanes = 0.5 * (1 + th)
            let inner: Lanes = (0.5 * c) * v * (1 - th * th) * (1 + (3 * k) * v2)
            return g * (outer + inner)
        }
    }

    /// `y ← tanh(x)` (in place is fine).
    @inlinable public static func tanh(_ x: Tensor, into y: Tensor) {
        checkShape(x, y, "tanh")
        forEachLane(x.data, y.data, count: x.count) { tanh($0) }
    }
}

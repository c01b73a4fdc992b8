import Foundation

extension Kernels {
    /// Mish (Misra, 2019), the activation of QVPO's networks: `y = x·tanh(softplus(x))`,
    /// `softplus(x) = log(1 + eˣ)` (in place is fine).
    ///
    /// `tanh(softplus x) = ((1 + eˣ)² − 1)/((1 + eˣ)² + 1) = n/(n + 2)` with `n = eˣ(eˣ + 2)`, which
    /// needs one exponential and no logarithm. For x > 20 the ratio is 1 to Float32 rounding (and
    /// `n` would overflow past x ≈ 44), so x itself is returned there.
    @inlinable public static func mish(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("mish", "rfm_mish", x, into: y) { return }
        forEachLane(x.data, y.data, count: x.count) { v in
            let e: Lanes = exp(v.replacing(with: 0, where: v .> 20))
            let n: Lanes = e * (e + 2)
            return (v * n / (n + 2)).replacing(with: v, where: v .> 20)
        }
    }

    /// `dx ← dy ⊙ mish'(x)` with `mish'(x) = tanh(sp) + x·(1 − tanh²(sp))·σ(x)`, `sp = softplus(x)`,
    /// `σ(x) = eˣ/(1 + eˣ)`; `x` is the pre-activation. In place on `dy` is fine.
    @inlinable public static func mishBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        if launchedOnDevice("mishBackward", "rfm_mish_backward", dy, x, into: dx) { return }
        forEachLane(x.data, dy.data, dx.data, count: x.count) { v, g in
            let big = v .> 20
            let e: Lanes = exp(v.replacing(with: 0, where: big))
            let n: Lanes = e * (e + 2)
            let th: Lanes = n / (n + 2)
            let sigmoid: Lanes = e / (1 + e)
            let d: Lanes = th + v * (1 - th * th) * sigmoid
            return g * d.replacing(with: 1, where: big)
        }
    }
}

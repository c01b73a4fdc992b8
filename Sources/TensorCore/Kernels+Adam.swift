import CVectorKernels

extension Kernels {
    /// One Adam step (Kingma & Ba; optax's form) on a parameter tensor, in place:
    ///
    ///     m ← (1 − β₁)·g + β₁·m,   v ← (1 − β₂)·g² + β₂·v,   p ← p − lr·(m / c₁) / (√(v / c₂) + ε)
    ///
    /// with the bias corrections `c₁ = 1 − β₁ᵗ`, `c₂ = 1 − β₂ᵗ` computed once per step by the
    /// caller. `p`, `m`, `v` and `g` have the same number of elements.
    @inlinable public static func adamStep(parameter p: Tensor, firstMoment m: Tensor, secondMoment v: Tensor,
                                           gradient g: Tensor, learningRate lr: Float, beta1 b1: Float, beta2 b2: Float,
                                           correction1 c1: Float, correction2 c2: Float, epsilon: Float) {
        precondition(p.count == g.count && m.count == g.count && v.count == g.count,
                     "adamStep: parameter \(p.count), moments \(m.count)/\(v.count), gradient \(g.count) elements")
        if let d = device("adamStep", p, m, v, g) {
            d.launch("rfm_adam", elements: g.count, .pointer(p.data), .pointer(m.data), .pointer(v.data), .pointer(g.data), .float(lr),
                     .float(b1), .float(b2), .float(c1), .float(c2), .float(epsilon), .int(g.count))
            return
        }
        let pp = p.data, mm = m.data, vv = v.data, gg = g.data
        // Sixteen lanes where the CPU has AVX-512 (CVectorKernels), the same operations in the same order.
        // Large tensors in one part per worker (outside a region: the serial part of an update).
        if rfm_vk_avx512_enabled() != 0 {
            Parallel.forEachPart(g.count, minimum: parallelElements) { r in
                let o = r.lowerBound
                _ = rfm_vk_adam(pp + o, mm + o, vv + o, gg + o, r.count, lr, b1, b2, c1, c2, epsilon)
            }
            return
        }
        for j in 0..<g.count {
            let gj = gg[j]
            let mj = (1 - b1) * gj + b1 * mm[j]
            let vj = (1 - b2) * (gj * gj) + b2 * vv[j]
            mm[j] = mj
            vv[j] = vj
            pp[j] -= lr * ((mj / c1) / ((vj / c2).squareRoot() + epsilon))
        }
    }
}

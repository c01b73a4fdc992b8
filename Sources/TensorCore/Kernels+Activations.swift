import CVectorKernels

extension Kernels {
    /// `y ← max(x, 0)` (in place is fine).
    @inlinable public static func relu(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("relu", "rfm_relu", x, into: y) { return }
        let p = x.data, q = y.data
        if rfm_vk_relu(p, q, x.count) != 0 { return }   // AVX-512 where the CPU has it, same numbers
        for i in 0..<x.count { q[i] = max(p[i], 0) }
    }

    /// `dx ← dy ⊙ 1[x > 0]`, where `x` is the ReLU input (pre-activation); in place on `dy` is fine.
    @inlinable public static func reluBackward(_ dy: Tensor, input y: Tensor, into dx: Tensor) {
        if launchedOnDevice("reluBackward", "rfm_relu_backward", dy, y, into: dx) { return }
        let g = dy.data, o = y.data, r = dx.data
        if rfm_vk_relu_backward(g, o, r, dy.count) != 0 { return }   // AVX-512 where the CPU has it, same numbers
        for i in 0..<dy.count { r[i] = o[i] > 0 ? g[i] : 0 }
    }

    /// Elementwise kernels split a tensor of at least this many elements over the workers when
    /// called outside a parallel region (a few microseconds of work each way).
    @usableFromInline static let parallelElements = 8192

    /// √(2/π), the constant of GELU's tanh approximation.
    @usableFromInline static let geluScale: Float = 0.7978845608028654
    /// The cubic coefficient of GELU's tanh approximation.
    @usableFromInline static let geluCubic: Float = 0.044715

    /// GELU, tanh approximation (JAX's default, `approximate=True`):
    /// `y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (in place is fine).
    ///
    /// Computed as the identical `x·σ(2u) = x / (1 + e^{−2u})`, `u = √(2/π)(x + 0.044715x³)`:
    /// one exponential and one division per element, with ``forEachLane(_:_:count:_:)`` and
    /// ``geluLanes(_:)`` both always inlined so that nothing is left as a call per vector (this is
    /// the hottest elementwise kernel of a flow rollout).
    @inlinable public static func gelu(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("gelu", "rfm_gelu", x, into: y) { return }
        let src = x.data, dst = y.data, count = x.count
        // Sixteen lanes where the CPU has AVX-512 (about 1.9x faster on Zen 4), same numbers.
        if rfm_vk_gelu(src, dst, count) != 0 { return }
        // Lane-wise, so the zero-padded final chunk gives each element what it would alone.
        forEachLane(src, dst, count: count) { geluLanes($0) }
    }

    /// `x / (1 + e^{−2u})` on eight lanes, with ``exp(_:)`` inline. The argument is clamped to
    /// ±87 first, so large negative inputs give `x` over a huge finite number (about −0) and
    /// large positive ones `x`; inside ±87, `exp`'s own clamps and its zero below −87.34 change
    /// nothing.
    @inlinable @inline(__always)
    static func geluLanes(_ v: Lanes) -> Lanes {
        var x: Lanes = (-2 * geluScale) * (v + geluCubic * v * v * v)
        x.replace(with: -87, where: x .< -87)
        x.replace(with: 87, where: x .> 87)
        return v / (1 + exp(x))
    }

    /// `dx ← dy ⊙ GELU'(x)` with
    /// `GELU'(x) = ½(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)`, `u = √(2/π)(x + 0.044715x³)`.
    /// `x` is the GELU input (pre-activation). In place on `dy` is fine.
    @inlinable public static func geluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        if launchedOnDevice("geluBackward", "rfm_gelu_backward", dy, x, into: dx) { return }
        // Sixteen lanes where the CPU has AVX-512, same numbers; a large tensor in one part per worker.
        if rfm_vk_avx512_enabled() != 0 {
            let a = dy.data, b = x.data, c = dx.data
            Parallel.forEachPart(x.count, minimum: parallelElements) { r in
                _ = rfm_vk_gelu_backward(a + r.lowerBound, b + r.lowerBound, c + r.lowerBound, r.count)
            }
            return
        }
        let c = geluScale, k = geluCubic
        forEachLane(x.data, dy.data, dx.data, count: x.count) { v, g in
            let v2: Lanes = v * v
            let th: Lanes = tanh(c * (v + k * v2 * v))
            let outer: Lanes = 0.5 * (1 + th)
            let inner: Lanes = (0.5 * c) * v * (1 - th * th) * (1 + (3 * k) * v2)
            return g * (outer + inner)
        }
    }

    /// A dense layer's bias, activation and residual skip: `z[r, :] += bias` (z keeps the
    /// pre-activation), then `out ← f(z)`, plus `residual` when given (`activation` nil: the
    /// identity). On the CPU this is ``addRowVector(_:to:)``, the activation and ``add(_:to:)``
    /// in turn (the same numbers as calling them), or one pass for GELU and ReLU where the CPU has AVX-512
    /// (`CVectorKernels`); on a device it is one kernel instead of three.
    /// `out` may be `z` only without a residual.
    @inlinable public static func biasActivation(_ z: Tensor, bias: Tensor, activation: DeviceKernel.Unary?, residual: MatrixRef? = nil,
                                                 into out: Tensor) {
        checkShape(z, out, "biasActivation")
        precondition(bias.count == z.cols, "biasActivation: bias of \(bias.count) for \(z.cols) columns")
        precondition(residual.map { $0.rows == z.rows && $0.cols == z.cols } ?? true, "biasActivation: residual shape")
        precondition(residual == nil || out !== z, "biasActivation: out must not be z when there is a residual")
        let d = device("biasActivation", z, bias, out)
        if let r = residual, r.device !== d { mixedLocations("biasActivation", d, r.device) }
        if let d {
            d.launch("rfm_bias_activation", elements: z.rows * z.cols, .pointer(z.data), .pointer(bias.data), .pointer(out.data),
                     .pointer(residual?.base), .int(residual?.stride ?? 0), .int(z.rows), .int(z.cols), .int(activationCode(activation)))
            return
        }
        // GELU or ReLU with its bias and skip in one pass where the CPU has AVX-512, same numbers;
        // GELU on many rows in one block of rows per worker.
        if activation == .gelu, rfm_vk_avx512_enabled() != 0 {
            let cols = z.cols, stride = residual?.stride ?? 0
            Parallel.forEachPart(z.rows, minimum: max(1, parallelElements / max(cols, 1)), granule: 1) { r in
                let o = r.lowerBound
                _ = rfm_vk_bias_gelu(z.data + o * cols, bias.data, out.data + o * cols, residual.map { $0.base + o * stride }, stride,
                                     r.count, cols)
            }
            return
        }
        if activation == .relu, rfm_vk_bias_relu(z.data, bias.data, out.data, residual?.base, residual?.stride ?? 0, z.rows, z.cols) != 0 {
            return
        }
        addRowVector(bias, to: z)
        activate(z, activation, into: out)
        if let residual { add(residual, to: out.matrix) }
    }

    /// A rollout's first layer: `z[r, :] += groupRows[r / (rows / G), :]` (the state share of
    /// row r's group, when given) `+ row` (the step's share), then `out ← f(z)`; z keeps the
    /// pre-activation. On a device one kernel instead of three; for GELU and ReLU one pass where
    /// the CPU has AVX-512 (the same numbers).
    @inlinable public static func addSharesActivation(_ z: Tensor, groupRows: Tensor?, row: MatrixRef, activation: DeviceKernel.Unary?,
                                                      into out: Tensor) {
        checkShape(z, out, "addSharesActivation")
        precondition(row.rows == 1 && row.cols == z.cols, "addSharesActivation: row \(row.rows)×\(row.cols) for \(z.cols) columns")
        let groups = groupRows?.rows ?? 1
        if let g = groupRows {
            precondition(g.cols == z.cols && groups > 0 && z.rows % groups == 0, "addSharesActivation: group rows \(g.shape) for \(z.shape)")
        }
        let d = device("addSharesActivation", z, out, groupRows)
        if row.device !== d { mixedLocations("addSharesActivation", d, row.device) }
        if let d {
            d.launch("rfm_add_shares_activation", elements: z.rows * z.cols, .pointer(z.data), .pointer(groupRows?.data), .int(groups),
                     .pointer(row.base), .pointer(out.data), .int(z.rows), .int(z.cols), .int(activationCode(activation)))
            return
        }
        // GELU or ReLU with both shares in one pass where the CPU has AVX-512, same numbers.
        if let f = activation, f == .gelu || f == .relu {
            let run = f == .gelu ? rfm_vk_add_shares_gelu : rfm_vk_add_shares_relu
            if run(z.data, groupRows?.data, z.rows / groups, row.base, out.data, z.rows, z.cols) != 0 { return }
        }
        if let g = groupRows { addGroupRows(g, to: z) }
        for r in 0..<z.rows {
            let zs = z.data + r * z.cols
            for c in 0..<z.cols { zs[c] += row.base[c] }
        }
        activate(z, activation, into: out)
    }

    /// The device kernels' activation codes: 0 the identity, 1 ReLU, 2 GELU, 3 tanh, 4 Mish.
    @inlinable static func activationCode(_ f: DeviceKernel.Unary?) -> Int {
        switch f {
        case nil: 0
        case .relu: 1
        case .gelu: 2
        case .tanh: 3
        case .mish: 4
        }
    }

    /// `out ← f(z)` for the fused kernels' activations (nil: a copy, none when `out` is `z`).
    @inlinable static func activate(_ z: Tensor, _ f: DeviceKernel.Unary?, into out: Tensor) {
        switch f {
        case nil: if out !== z { out.assign(z) }
        case .relu: relu(z, into: out)
        case .gelu: gelu(z, into: out)
        case .tanh: tanh(z, into: out)
        case .mish: mish(z, into: out)
        }
    }

    /// `y ← tanh(x)` (in place is fine).
    @inlinable public static func tanh(_ x: Tensor, into y: Tensor) {
        if launchedOnDevice("tanh", "rfm_tanh", x, into: y) { return }
        forEachLane(x.data, y.data, count: x.count) { tanh($0) }
    }
}

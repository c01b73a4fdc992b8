import TensorCore

/// A feed-forward network of stages `h = f(x·W + b)` or, for a residual stage, `h = x + f(x·W + b)`.
///
/// This one type covers every network of the method:
/// - the critic `[s, a] → Dense 256 + ReLU → Dense 256 + ReLU → Dense 1` (``feedForward(inputs:hidden:outputs:activation:rng:)``);
/// - the velocity net `x → Dense W + GELU → k × (x + GELU(Dense W x)) → Dense d`
///   (``residualGELU(inputs:width:blocks:outputs:rng:)``).
///
/// A batch `[batch, inputs]` costs one GEMM per stage. ``forward(_:cache:)`` records what the
/// backward pass needs in a reusable ``Cache``; ``backward(_:cache:gradients:accumulate:inputGradient:)``
/// takes it back and writes weight gradients into a container of the same structure
/// (``zerosLike()``) and, on request, `∂L/∂x` (the estimator's `∇ₐQ`).
public final class MLP: ParameterContainer {
    /// One stage: a dense layer, its activation, and whether the stage input is added back.
    public struct Stage {
        public let dense: Dense
        public let activation: Activation
        public let residual: Bool

        public init(dense: Dense, activation: Activation, residual: Bool = false) {
            precondition(!residual || dense.inputs == dense.outputs,
                         "MLP.Stage: a residual stage needs a square layer, got \(dense.inputs)→\(dense.outputs)")
            self.dense = dense
            self.activation = activation
            self.residual = residual
        }
    }

    public let stages: [Stage]

    public init(stages: [Stage]) {
        precondition(!stages.isEmpty, "MLP: no stages")
        for i in 1..<stages.count {
            precondition(stages[i].dense.inputs == stages[i - 1].dense.outputs,
                         "MLP: stage \(i) takes \(stages[i].dense.inputs) inputs, stage \(i - 1) gives \(stages[i - 1].dense.outputs)")
        }
        self.stages = stages
    }

    public var inputs: Int { stages[0].dense.inputs }
    public var outputs: Int { stages[stages.count - 1].dense.outputs }

    /// `inputs → (hidden[i], activation)… → outputs` (identity output), orthogonal gain √2
    /// everywhere: the critics (ReLU; Mish for QVPO's) and QVPO's networks.
    public static func feedForward(inputs: Int, hidden: [Int], outputs: Int, activation: Activation,
                                   rng: inout RandomStream) -> MLP {
        var stages: [Stage] = []
        var width = inputs
        for h in hidden {
            stages.append(Stage(dense: Dense(inputs: width, outputs: h, rng: &rng), activation: activation))
            width = h
        }
        stages.append(Stage(dense: Dense(inputs: width, outputs: outputs, rng: &rng), activation: .identity))
        return MLP(stages: stages)
    }

    /// `inputs → Dense width + GELU → blocks × residual(Dense width + GELU) → Dense outputs`.
    public static func residualGELU(inputs: Int, width: Int, blocks: Int, outputs: Int, rng: inout RandomStream) -> MLP {
        var stages = [Stage(dense: Dense(inputs: inputs, outputs: width, rng: &rng), activation: .gelu)]
        for _ in 0..<blocks {
            stages.append(Stage(dense: Dense(inputs: width, outputs: width, rng: &rng), activation: .gelu, residual: true))
        }
        stages.append(Stage(dense: Dense(inputs: width, outputs: outputs, rng: &rng), activation: .identity))
        return MLP(stages: stages)
    }

    public func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows {
        for (i, s) in stages.enumerated() {
            try s.dense.forEachParameter { try body("layers.\(i).\($0)", $1) }
        }
    }

    public func zerosLike() -> MLP {
        MLP(stages: stages.map { Stage(dense: $0.dense.zerosLike(), activation: $0.activation, residual: $0.residual) })
    }

    /// What one forward pass leaves for its backward pass. Reuse one cache per call site: after
    /// the first pass nothing is allocated. Tensors it hands out stay valid until the next
    /// forward pass through the same cache.
    public final class Cache {
        let workspace = Workspace()
        var input: MatrixRef?
        var preActivations: [Tensor] = []
        var outputs: [Tensor] = []

        public init() {}
    }

    /// Runs the network on `x` `[batch, inputs]` and returns the output `[batch, outputs]`
    /// (owned by `cache`). `x` must stay alive and unchanged until the backward pass.
    @discardableResult
    public func forward(_ x: MatrixRef, cache: Cache) -> Tensor {
        precondition(x.cols == inputs, "MLP.forward: input has \(x.cols) columns, network takes \(inputs)")
        start(cache, input: x)
        var h = x
        for s in stages {
            let z = cache.workspace.matrix(x.rows, s.dense.outputs)
            Kernels.gemm(h, .none, s.dense.kernel.matrix, .none, into: z.matrix)
            h = finish(s, preActivation: z, bias: s.dense.bias, input: h, cache: cache).matrix
        }
        return cache.outputs[stages.count - 1]
    }

    /// Runs the network on a whole tensor.
    @discardableResult
    public func forward(_ x: Tensor, cache: Cache) -> Tensor { forward(x.matrix, cache: cache) }

    /// Runs the network from stage 0's pre-activation `z₀ = x·W₀ + b₀` `[batch, W₀.outputs]`,
    /// which the caller assembled itself (e.g. a flow rollout that computes the state and
    /// embedding share of the first layer once). Inference only: the cache records no input, so
    /// no backward pass can follow. Stage 0 must not be residual.
    ///
    /// With `shares`, `z₀` is only the per-row product and the shares are added here: row r of
    /// `groupRows` (when given) to each row of group r, and `row` to every row, fused with stage
    /// 0's activation (one kernel on a device).
    @discardableResult
    public func forward(preActivation z0: Tensor, shares: (groupRows: Tensor?, row: MatrixRef)? = nil, cache: Cache) -> Tensor {
        precondition(!stages[0].residual && z0.cols == stages[0].dense.outputs,
                     "MLP.forward(preActivation:): \(z0.shape) does not fit stage 0")
        start(cache, input: nil)
        var h: MatrixRef
        if let shares, let f = stages[0].activation.pointwise {
            let out = stages[0].activation == .identity ? z0 : cache.workspace.matrix(z0.rows, z0.cols)
            Kernels.addSharesActivation(z0, groupRows: shares.groupRows, row: shares.row, activation: f, into: out)
            cache.preActivations.append(z0)
            cache.outputs.append(out)
            h = out.matrix
        } else {
            precondition(shares == nil, "MLP.forward(preActivation:shares:): stage 0's activation has no fused form")
            h = finish(stages[0], preActivation: z0, input: z0.matrix, cache: cache).matrix
        }
        for s in stages.dropFirst() {
            let z = cache.workspace.matrix(z0.rows, s.dense.outputs)
            Kernels.gemm(h, .none, s.dense.kernel.matrix, .none, into: z.matrix)
            h = finish(s, preActivation: z, bias: s.dense.bias, input: h, cache: cache).matrix
        }
        return cache.outputs[stages.count - 1]
    }

    private func start(_ cache: Cache, input: MatrixRef?) {
        cache.workspace.reset()
        cache.input = input
        cache.preActivations.removeAll(keepingCapacity: true)
        cache.outputs.removeAll(keepingCapacity: true)
    }

    /// Adds the stage's bias (when given; the product is already in `z`), applies its activation
    /// and skip connection, and records the pre-activation and the output. With a bias and an
    /// activation the kernel layer has, the three are one ``Kernels/biasActivation(_:bias:activation:residual:into:)``
    /// (one launch on a GPU; the same steps on the CPU).
    private func finish(_ s: Stage, preActivation z: Tensor, bias: Tensor? = nil, input h: MatrixRef, cache: Cache) -> Tensor {
        // A ReLU layer without a skip runs in place: its backward pass needs only where the input
        // was positive, and the output shows exactly that (max(z, 0) > 0 where z > 0, NaN and -0
        // included), so the cache's pre-activation may be the output itself.
        let inPlace = s.activation == .relu && !s.residual
        var out = z
        if (s.activation != .identity && !inPlace) || s.residual { out = cache.workspace.matrix(z.rows, z.cols) }
        if let bias, let f = s.activation.pointwise {
            Kernels.biasActivation(z, bias: bias, activation: f, residual: s.residual ? h : nil, into: out)
        } else {
            if let bias { Kernels.addRowVector(bias, to: z) }
            if out !== z {
                s.activation.apply(z, into: out)
                if s.residual { Kernels.add(h, to: out.matrix) }
            }
        }
        cache.preActivations.append(z)
        cache.outputs.append(out)
        return out
    }

    /// Back-propagates `dy = ∂L/∂y` `[batch, outputs]` through the pass recorded in `cache`.
    /// Weight gradients go into `gradients` (overwritten, or added when `accumulate`); pass nil
    /// when only `∂L/∂x` is wanted (the estimator's `∇ₐQ`), which skips the weight products.
    /// Returns `∂L/∂x` `[batch, inputs]` (owned by `cache`) when `inputGradient` is set, else nil.
    @discardableResult
    public func backward(_ dy: Tensor, cache: Cache, gradients: MLP?,
                         accumulate: Bool = false, inputGradient: Bool = false) -> Tensor? {
        guard let input = cache.input, cache.outputs.count == stages.count else {
            preconditionFailure("MLP.backward: no forward pass recorded in this cache")
        }
        precondition(dy.rows == input.rows && dy.cols == outputs, "MLP.backward: gradient shape \(dy.shape)")
        precondition(gradients != nil || inputGradient, "MLP.backward: asked for neither weight nor input gradients")
        let ws = cache.workspace
        var g = dy
        for i in stride(from: stages.count - 1, through: 0, by: -1) {
            let s = stages[i]
            let z = cache.preActivations[i]
            var dz = g
            if s.activation != .identity {
                dz = ws.matrix(z.rows, z.cols)
                s.activation.backward(g, input: z, into: dz)
            }
            let x = i == 0 ? input : cache.outputs[i - 1].matrix
            let wantDx = i > 0 || inputGradient
            let dx = wantDx ? ws.matrix(input.rows, s.dense.inputs) : nil
            if let gradients {
                s.dense.backward(dz, input: x, gradients: gradients.stages[i].dense, accumulate: accumulate)
            }
            if let dx { Kernels.gemm(dz.matrix, .none, s.dense.kernel.matrix, .transposed, into: dx.matrix) }
            guard let dx else { return nil }
            if s.residual { Kernels.axpy(1, g, dx) }
            g = dx
        }
        return g
    }
}

import NeuralNet
import TensorCore

/// QVPO's noise-prediction network (the reference's `QVPOPolicyNet`), Mish throughout:
///
///     e = Dense_E(Mish(Dense_W(emb(i))))                  emb: sinusoidal, width E, max period 10⁴
///     ε_θ(x, i, s) = Dense_d(Mish(Dense_W)…(concat(x, e, s)))   (`layers` Mish layers of width W)
///
/// `i` is the integer diffusion step (0 … N − 1). Shapes: actions `[B, d]`, steps `[B]`, states
/// `[B, S]`, output `[B, d]`. Like ``PolicyNetwork`` it has a rollout path in which the first
/// layer splits by input block: `z₀ = x·W_x + (e·W_e + b) + (s·W_s)[state]`, the state share
/// computed once per rollout and the step share once per step.
public final class QVPONetwork: ParameterContainer {
    public let stateDim: Int
    public let actionDim: Int
    public let embedding: SinusoidalEmbedding
    /// `emb(i) → e`.
    public let timeNet: MLP
    /// `concat(x, e, s) → ε`.
    public let net: MLP

    public init(stateDim: Int, actionDim: Int, width: Int, layers: Int, embeddingSize: Int, rng: inout RandomStream) {
        self.stateDim = stateDim
        self.actionDim = actionDim
        embedding = SinusoidalEmbedding(size: embeddingSize, maxPeriod: 10000)
        timeNet = MLP.feedForward(inputs: embeddingSize, hidden: [width], outputs: embeddingSize, activation: .mish, rng: &rng)
        net = MLP.feedForward(inputs: actionDim + embeddingSize + stateDim, hidden: [Int](repeating: width, count: max(1, layers)),
                              outputs: actionDim, activation: .mish, rng: &rng)
    }

    private init(stateDim: Int, actionDim: Int, embedding: SinusoidalEmbedding, timeNet: MLP, net: MLP) {
        self.stateDim = stateDim
        self.actionDim = actionDim
        self.embedding = embedding
        self.timeNet = timeNet
        self.net = net
    }

    public func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows {
        try timeNet.forEachParameter { try body("time.\($0)", $1) }
        try net.forEachParameter { try body("net.\($0)", $1) }
    }

    public func zerosLike() -> QVPONetwork {
        QVPONetwork(stateDim: stateDim, actionDim: actionDim, embedding: embedding, timeNet: timeNet.zerosLike(), net: net.zerosLike())
    }

    var latentRows: Range<Int> { 0..<actionDim }
    var stepRows: Range<Int> { actionDim..<(actionDim + embedding.size) }
    var stateRows: Range<Int> { (actionDim + embedding.size)..<net.inputs }

    // MARK: Training path

    public final class Cache {
        let time = MLP.Cache()
        let mlp = MLP.Cache()
        let workspace = Workspace()
        public init() {}
    }

    /// Output for rows with their own steps (`steps` holds the integer step of each row as a Float).
    @discardableResult
    public func forward(actions: Tensor, steps: Tensor, states: Tensor, cache: Cache) -> Tensor {
        let b = actions.rows
        precondition(actions.cols == actionDim && steps.count == b && states.rows == b && states.cols == stateDim,
                     "QVPONetwork.forward: actions \(actions.shape), steps \(steps.count), states \(states.shape)")
        let ws = cache.workspace
        ws.reset()
        let emb = ws.matrix(b, embedding.size)
        embedding.forward(steps, into: emb)
        let e = timeNet.forward(emb, cache: cache.time)
        let x = ws.matrix(b, net.inputs)
        Kernels.copy(actions.matrix, into: x.columns(latentRows))
        Kernels.copy(e.matrix, into: x.columns(stepRows))
        Kernels.copy(states.matrix, into: x.columns(stateRows))
        return net.forward(x, cache: cache.mlp)
    }

    /// Weight gradients of the last training forward pass for `dOut = ∂L/∂output`, through the
    /// step embedding's network too.
    public func backward(_ dOut: Tensor, cache: Cache, gradients: QVPONetwork) {
        let dx = net.backward(dOut, cache: cache.mlp, gradients: gradients.net, inputGradient: true)!
        let de = cache.workspace.matrix(dOut.rows, embedding.size)
        Kernels.copy(dx.columns(stepRows), into: de.matrix)
        timeNet.backward(de, cache: cache.time, gradients: gradients.timeNet)
    }

    // MARK: Rollout path

    public final class Rollout {
        let time = MLP.Cache()
        let mlp = MLP.Cache()
        var stateShare = Tensor(count: 0)
        var stepShare = Tensor(count: 0)
        var embedded = Tensor(count: 0)
        var step = Tensor(count: 1)
        var preActivation = Tensor(count: 0)
        public init() {}
    }

    /// Computes the state share `s·W_s` `[G, W]` for a rollout over `states` `[G, S]`.
    public func prepare(_ rollout: Rollout, states: Tensor) {
        let first = net.stages[0].dense, w = first.outputs, g = states.rows
        if rollout.stateShare.capacity < g * w { rollout.stateShare = Tensor(rows: g, cols: w) }
        rollout.stateShare.reshape(g, w)
        if rollout.stepShare.count != w { rollout.stepShare = Tensor(count: w) }
        if rollout.embedded.count != embedding.size { rollout.embedded = Tensor(rows: 1, cols: embedding.size) }
        Kernels.gemm(states.matrix, .none, first.kernel.rows(stateRows), .none, into: rollout.stateShare.matrix)
    }

    /// The output for `latents` `[G·P, d]` (P per prepared state, consecutive) at integer step `i`;
    /// it belongs to `rollout` until its next call.
    public func evaluate(_ rollout: Rollout, latents: Tensor, step i: Int) -> Tensor {
        let n = latents.rows, first = net.stages[0].dense, w = first.outputs
        rollout.step.fill(Float(i))
        embedding.forward(rollout.step, into: rollout.embedded)
        let e = timeNet.forward(rollout.embedded, cache: rollout.time)
        rollout.stepShare.assign(first.bias)
        Kernels.gemm(e.matrix, .none, first.kernel.rows(stepRows), .none, into: rollout.stepShare.matrix, beta: 1)
        if rollout.preActivation.capacity < n * w { rollout.preActivation = Tensor(rows: n, cols: w) }
        let z = rollout.preActivation
        z.reshape(n, w)
        Kernels.gemm(latents.matrix, .none, first.kernel.rows(latentRows), .none, into: z.matrix)
        Kernels.addGroupRows(rollout.stateShare, to: z)
        Kernels.addRowVector(rollout.stepShare, to: z)
        return net.forward(preActivation: z, cache: rollout.mlp)
    }
}

/// QVPO's discrete DDPM (the reference's `make_diffusion_coeffs` with the cosine schedule):
/// `ᾱ₀ = 1, ᾱ₁ … ᾱ_N` from ``NoiseSchedule/discrete(steps:)``, ancestral sampling with the clean
/// prediction clipped to `[−1, 1]`, the posterior variance `βᵢ(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ)` (floored at
/// 10⁻²⁰ in log space) scaled by `noiseRatio`, and the final sample clipped to `[−1, 1]`.
public final class QVPODiffusion {
    public let network: QVPONetwork
    /// `ᾱ₀ … ᾱ_N`.
    public let alphaBars: [Float]
    public let noiseRatio: Float
    private let rollout = QVPONetwork.Rollout()
    private let workspace = Workspace()

    public init(network: QVPONetwork, steps: Int, noiseRatio: Float, schedule: NoiseSchedule = .cosine()) {
        self.network = network
        self.noiseRatio = noiseRatio
        alphaBars = schedule.discrete(steps: steps).map { Float($0) }
    }

    public var steps: Int { alphaBars.count - 1 }

    /// `particles` actions per state `[G·particles, d]` (consecutive per state) from `network`
    /// (this diffusion's, or a copy of the same shape such as the target policy). The result
    /// belongs to the diffusion until its next call.
    public func sample(_ network: QVPONetwork? = nil, states: Tensor, particles: Int, rng: inout RandomStream) -> Tensor {
        let net = network ?? self.network
        let n = states.rows * particles, d = net.actionDim
        workspace.reset()
        let x = workspace.matrix(n, d), x0 = workspace.matrix(n, d), z = workspace.matrix(n, d)
        rng.fillNormal(x)
        net.prepare(rollout, states: states)
        // The reference's step: x̂₀ = √(1/ᾱ)·x − √(1/ᾱ − 1)·ε clipped to [−1, 1], the posterior
        // variance floored at 10⁻²⁰, σ scaled by the noise ratio (no noise drawn when it is 0).
        let step = DDPMStep(clean: .reciprocal, clip: 1, retention: .oneMinusBeta, noiseScale: .posterior(floor: 1e-20),
                            noiseMultiplier: noiseRatio)
        for i in stride(from: steps, through: 1, by: -1) {
            let eps = net.evaluate(rollout, latents: x, step: i - 1)
            step.apply(x, predictedNoise: eps, alphaBar: alphaBars[i], previous: alphaBars[i - 1], addNoise: i > 1 && noiseRatio != 0,
                       scratch: x0, noise: z, rng: &rng)
        }
        Kernels.clamp(x, bound: 1, into: x)
        return x
    }
}

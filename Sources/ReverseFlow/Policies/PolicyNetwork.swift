import NeuralNet
import TensorCore

/// The conditional network of flow and diffusion policies (the reference's `ScoreMLP`):
///
///     x = concat(s, y, emb(t), emb(λ))  →  Dense W + GELU  →  blocks × (x + GELU(Dense W x))  →  Dense d
///
/// For a flow it outputs the velocity `v_θ(t, y, s, λ)`; for a diffusion the noise `ε_θ`.
/// Shapes: states `[B, S]` (S may be 0), latents `[B, d]`, times `[B]`, output `[B, d]`.
///
/// Two forward paths. Training rows each have their own t, so the full input is assembled and
/// cached for the backward pass. A rollout evaluates many particles of few states at one t per
/// step; there the first layer splits by input block, `z₀ = y·W_y + (s·W_s)[state] + emb(t)·W_t
/// + emb(λ)·W_λ + b`, and the state and λ shares are computed once per rollout, the t share once
/// per step: only the thin `y·W_y` product is per particle.
public final class PolicyNetwork: ParameterContainer {
    public let stateDim: Int
    public let actionDim: Int
    public let embedding: SinusoidalEmbedding
    public let net: MLP

    public init(stateDim: Int, actionDim: Int, width: Int, blocks: Int, embeddingSize: Int, rng: inout RandomStream) {
        self.stateDim = stateDim
        self.actionDim = actionDim
        embedding = SinusoidalEmbedding(size: embeddingSize)
        net = MLP.residualGELU(inputs: stateDim + actionDim + 2 * embeddingSize, width: width, blocks: blocks,
                               outputs: actionDim, rng: &rng)
    }

    private init(stateDim: Int, actionDim: Int, embedding: SinusoidalEmbedding, net: MLP) {
        self.stateDim = stateDim
        self.actionDim = actionDim
        self.embedding = embedding
        self.net = net
    }

    public func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows { try net.forEachParameter(body) }

    public func zerosLike() -> PolicyNetwork {
        PolicyNetwork(stateDim: stateDim, actionDim: actionDim, embedding: embedding, net: net.zerosLike())
    }

    var width: Int { net.stages[0].dense.outputs }

    /// Row ranges of the first kernel `[S + d + 2E, W]` that multiply each input block.
    var stateRows: Range<Int> { 0..<stateDim }
    var latentRows: Range<Int> { stateDim..<(stateDim + actionDim) }
    var timeRows: Range<Int> { (stateDim + actionDim)..<(stateDim + actionDim + embedding.size) }
    var temperatureRows: Range<Int> { (stateDim + actionDim + embedding.size)..<net.inputs }

    // MARK: Training path

    /// What a training forward pass keeps for its backward pass.
    public final class Cache {
        let mlp = MLP.Cache()
        let workspace = Workspace()
        public init() {}
    }

    /// Output for rows with their own times; the input is assembled in `cache`.
    @discardableResult
    public func forward(states: Tensor?, latents: Tensor, times: Tensor, temperature: Float, cache: Cache) -> Tensor {
        let b = latents.rows
        precondition(latents.cols == actionDim && times.count == b, "PolicyNetwork.forward: latents \(latents.shape), times \(times.count)")
        let ws = cache.workspace
        ws.reset()
        let x = ws.matrix(b, net.inputs)
        if stateDim > 0 {
            guard let states, states.rows == b, states.cols == stateDim else {
                preconditionFailure("PolicyNetwork.forward: need states [\(b), \(stateDim)]")
            }
            Kernels.copy(states.matrix, into: x.columns(stateRows))
        }
        Kernels.copy(latents.matrix, into: x.columns(latentRows))
        let emb = ws.matrix(b, embedding.size)
        embedding.forward(times, into: emb)
        Kernels.copy(emb.matrix, into: x.columns(timeRows))
        let temps = ws.vector(b)
        temps.fill(temperature)
        embedding.forward(temps, into: emb)
        Kernels.copy(emb.matrix, into: x.columns(temperatureRows))
        return net.forward(x, cache: cache.mlp)
    }

    /// Weight gradients of the last training forward pass for `dOut = ∂L/∂output`.
    public func backward(_ dOut: Tensor, cache: Cache, gradients: PolicyNetwork) {
        net.backward(dOut, cache: cache.mlp, gradients: gradients.net)
    }

    // MARK: Rollout path

    /// The per-rollout shares of the first layer and the scratch space of a rollout.
    public final class Rollout {
        let workspace = Workspace()
        let mlp = MLP.Cache()
        /// `s·W_s` per state `[G, W]`, or nil without states.
        var stateShare: Tensor?
        /// `emb(λ)·W_λ + b` `[W]`.
        var constantShare = Tensor(count: 0)
        /// `emb(λ)·W_λ + b + emb(t)·W_t` for the current step `[W]`.
        var stepShare = Tensor(count: 0)
        var embedded = Tensor(count: 0)
        var scalar = Tensor(count: 1)
        var preActivation = Tensor(count: 0)
        /// On a device: the rollout's step times, their embeddings `[T, E]` (made once) and the
        /// step shares `emb(tᵢ)·W_t + emb(λ)·W_λ + b` of this rollout `[T, W]`, computed in one
        /// product instead of one per step.
        var tableTimes: [Float] = []
        var embeddedTimes: Tensor?
        var stepTable: Tensor?
        var stepTableStorage: Tensor?
        public init() {}
    }

    /// Computes the state and temperature shares for a rollout over `states` `[G, S]`. On a
    /// device, `times` (the rollout's step times, when known) also gets every step's time share
    /// at once, so that a step is one product and one fused kernel before the hidden stages.
    public func prepare(_ rollout: Rollout, states: Tensor?, temperature: Float, times: [Float] = []) {
        let w = width, first = net.stages[0].dense
        if rollout.constantShare.count != w {
            rollout.constantShare = Tensor(count: w)
            rollout.stepShare = Tensor(count: w)
            rollout.embedded = Tensor(rows: 1, cols: embedding.size)
        }
        rollout.scalar.fill(temperature)
        embedding.forward(rollout.scalar, into: rollout.embedded)
        rollout.constantShare.assign(first.bias)
        Kernels.gemm(rollout.embedded.matrix, .none, first.kernel.rows(temperatureRows), .none,
                     into: rollout.constantShare.matrix, beta: 1)
        if stateDim > 0, let states {
            let g = states.rows
            if rollout.stateShare?.capacity ?? 0 < g * w { rollout.stateShare = Tensor(rows: g, cols: w) }
            rollout.stateShare!.reshape(g, w)
            Kernels.gemm(states.matrix, .none, first.kernel.rows(stateRows), .none, into: rollout.stateShare!.matrix)
        } else {
            rollout.stateShare = nil
        }
        guard first.kernel.onDevice, !times.isEmpty else {
            rollout.stepTable = nil
            return
        }
        if rollout.tableTimes != times || rollout.embeddedTimes == nil {
            let t = Tensor(count: times.count)
            t.setValues(times)
            let embedded = Tensor(rows: times.count, cols: embedding.size)
            embedding.forward(t, into: embedded)
            rollout.embeddedTimes = embedded
            rollout.tableTimes = times
        }
        // Kept between rollouts: freeing device memory would make the GPU wait.
        if rollout.stepTableStorage?.capacity ?? 0 < times.count * w { rollout.stepTableStorage = Tensor(rows: times.count, cols: w) }
        let table = rollout.stepTableStorage!
        table.reshape(times.count, w)
        Kernels.gemm(rollout.embeddedTimes!.matrix, .none, first.kernel.rows(timeRows), .none, into: table.matrix)
        Kernels.addRowVector(rollout.constantShare, to: table)
        rollout.stepTable = table
    }

    /// The output for `latents` `[G·P, d]` (P particles per prepared state, consecutive) at time
    /// `t`; the result belongs to `rollout` and lives until its next call.
    public func evaluate(_ rollout: Rollout, latents: Tensor, time t: Float) -> Tensor {
        let n = latents.rows, w = width, first = net.stages[0].dense
        if let table = rollout.stepTable, let step = rollout.tableTimes.firstIndex(of: t) {
            if rollout.preActivation.capacity < n * w { rollout.preActivation = Tensor(rows: n, cols: w) }
            let z = rollout.preActivation
            z.reshape(n, w)
            Kernels.gemm(latents.matrix, .none, first.kernel.rows(latentRows), .none, into: z.matrix)
            return net.forward(preActivation: z, shares: (rollout.stateShare, table.rows(step..<(step + 1))), cache: rollout.mlp)
        }
        rollout.scalar.fill(t)
        embedding.forward(rollout.scalar, into: rollout.embedded)
        rollout.stepShare.assign(rollout.constantShare)
        Kernels.gemm(rollout.embedded.matrix, .none, first.kernel.rows(timeRows), .none, into: rollout.stepShare.matrix, beta: 1)
        if rollout.preActivation.capacity < n * w { rollout.preActivation = Tensor(rows: n, cols: w) }
        let z = rollout.preActivation
        z.reshape(n, w)
        Kernels.gemm(latents.matrix, .none, first.kernel.rows(latentRows), .none, into: z.matrix)
        // The state and step shares and the activation in one pass (the same numbers as adding
        // them in turn, then activating).
        return net.forward(preActivation: z, shares: (rollout.stateShare, rollout.stepShare.matrix), cache: rollout.mlp)
    }
}

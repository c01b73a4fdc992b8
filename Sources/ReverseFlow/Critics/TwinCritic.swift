import NeuralNet
import TensorCore

/// Two critics `Q₁, Q₂ : (s, a) → ℝ` with target copies, trained by TD regression.
///
/// Each critic is `concat(s, a) → (Dense + ReLU) × layers → Dense 1` (``Settings/activation`` puts
/// Mish in place of ReLU for QVPO). One update, as the reference's
/// `update_q` computes it:
///
///     y   = r + γ · mask · min(Q̄₁, Q̄₂)(s′, a′)          (target critics; no gradient)
///     Lᵢ  = mean_b (Qᵢ(s, a) − y)²                      for i = 1, 2
///     gᵢ  = clip(∇Lᵢ, maxGradNorm)                      (each critic clipped on its own)
///     θᵢ ← Adam(θᵢ, gᵢ);   θ̄ᵢ ← τ·θᵢ + (1 − τ)·θ̄ᵢ
///
/// `mask` is 0 only where the episode truly terminated (never on a time-limit truncation).
/// Batch tensors are matrices: states `[B, S]`, actions `[B, A]`, rewards and masks `[B, 1]`.
public final class TwinCritic {
    /// The critic's hyperparameters (see the `paper` preset for their values).
    public struct Settings: Sendable, Equatable {
        /// Widths of the hidden ReLU layers.
        public var hidden: [Int]
        /// Adam learning rate.
        public var learningRate: Float
        /// Global gradient-norm clip per critic; nil disables clipping.
        public var maxGradNorm: Float?
        /// Discount γ.
        public var discount: Float
        /// Polyak rate τ of the target critics.
        public var tau: Float
        /// The hidden layers' activation: ReLU (the reference's shared critic), Mish (QVPO's own).
        public var activation: Activation

        public init(hidden: [Int], learningRate: Float, maxGradNorm: Float?, discount: Float, tau: Float,
                    activation: Activation = .relu) {
            self.hidden = hidden
            self.learningRate = learningRate
            self.maxGradNorm = maxGradNorm
            self.discount = discount
            self.tau = tau
            self.activation = activation
        }
    }

    /// What one update reports.
    public struct Metrics: Sendable {
        /// Mean over the two critics of the TD mean squared error.
        public var loss: Float
        /// Mean over the two critics of the gradient norm before clipping.
        public var gradientNorm: Float
        /// Mean TD target.
        public var targetMean: Float
    }

    public let settings: Settings
    public let stateDim: Int
    public let actionDim: Int
    /// The online critics `[Q₁, Q₂]`.
    public let online: [MLP]
    /// The target critics, Polyak copies of ``online``.
    public let target: [MLP]
    let gradients: [MLP]
    let gradientLists: [ParameterList]
    let onlineLists: [ParameterList]
    let targetLists: [ParameterList]
    /// The two critics' optimisers.
    public let optimizers: [Adam]
    let caches = [MLP.Cache(), MLP.Cache()]
    let workspace = Workspace()
    /// Scratch of single-threaded evaluations (target Q, mean action gradient).
    let evaluationCaches = [MLP.Cache(), MLP.Cache()]
    let evaluationWorkspace = Workspace()
    /// Scratch of the parallel Q evaluation, one per worker.
    var evaluationWorkers: [EvaluationWorker] = []

    public init(stateDim: Int, actionDim: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        self.stateDim = stateDim
        self.actionDim = actionDim
        var nets: [MLP] = []
        for _ in 0..<2 {
            nets.append(MLP.feedForward(inputs: stateDim + actionDim, hidden: settings.hidden, outputs: 1,
                                        activation: settings.activation, rng: &rng))
        }
        online = nets
        target = nets.map { $0.copy() }
        gradients = nets.map { $0.zerosLike() }
        gradientLists = gradients.map { ParameterList($0) }
        onlineLists = online.map { ParameterList($0) }
        targetLists = target.map { ParameterList($0) }
        optimizers = online.map { Adam(for: $0, settings: .init(learningRate: settings.learningRate)) }
    }

    /// `out[b] ← min(Q₁, Q₂)(s_b, a_b)` with the online critics; `out` is `[B, 1]`.
    public func minQ(states: Tensor, actions: Tensor, into out: Tensor) {
        workspace.reset()
        let x = workspace.matrix(states.rows, stateDim + actionDim)
        Kernels.concatColumns(states, actions, into: x)
        let q1 = online[0].forward(x, cache: caches[0])
        let q2 = online[1].forward(x, cache: caches[1])
        Kernels.minimum(q1, q2, into: out)
    }

    /// One TD update of both critics followed by the Polyak step of the targets.
    ///
    /// The two critics share only their inputs and the TD target, so each one's forward pass,
    /// backward pass, Adam step and Polyak step run as one block on its own worker (two blocks,
    /// dealt to the ``Parallel`` workers; one after the other on one worker). Inside a block every
    /// product runs unsplit, which at two workers saves the two synchronisations per product that
    /// splitting a batch-sized product costs.
    /// `nextValueBonus` `[B, 1]`, when given, is added to `min(Q̄₁, Q̄₂)(s′, a′)` before discounting
    /// (SAC's entropy term `−α·log π(a′|s′)`).
    @discardableResult
    public func update(states: Tensor, actions: Tensor, rewards: Tensor, masks: Tensor,
                       nextStates: Tensor, nextActions: Tensor, nextValueBonus: Tensor? = nil) -> Metrics {
        let b = states.rows
        workspace.reset()
        // TD target from the target critics.
        let next = workspace.matrix(b, stateDim + actionDim)
        Kernels.concatColumns(nextStates, nextActions, into: next)
        let nextValues = [workspace.matrix(b, 1), workspace.matrix(b, 1)]
        Parallel.forEachBlock(2) { i, _ in nextValues[i].assign(target[i].forward(next, cache: caches[i])) }
        let y = workspace.matrix(b, 1)
        Kernels.minimum(nextValues[0], nextValues[1], into: y)
        if let bonus = nextValueBonus { Kernels.add(y, bonus, into: y) }
        Kernels.multiply(y, masks, into: y)
        Kernels.scale(y, by: settings.discount, into: y)
        Kernels.add(y, rewards, into: y)

        let x = workspace.matrix(b, stateDim + actionDim)
        Kernels.concatColumns(states, actions, into: x)
        // Each block's scratch and results, allocated here: the workspace is not thread-safe.
        let dq = [workspace.matrix(b, 1), workspace.matrix(b, 1)]
        var losses = [Double](repeating: 0, count: 2), norms = [Float](repeating: 0, count: 2)
        losses.withUnsafeMutableBufferPointer { losses in
            norms.withUnsafeMutableBufferPointer { norms in
                Parallel.forEachBlock(2) { i, _ in
                    let q = online[i].forward(x, cache: caches[i])
                    losses[i] = Kernels.meanSquaredError(q, y)
                    // ∂/∂q of mean (q − y)² is 2(q − y)/B.
                    Kernels.subtract(q, y, into: dq[i])
                    Kernels.scale(dq[i], by: 2 / Float(b), into: dq[i])
                    online[i].backward(dq[i], cache: caches[i], gradients: gradients[i])
                    norms[i] = optimizers[i].step(gradientLists[i], clippingGlobalNormTo: settings.maxGradNorm)
                    polyakUpdate(target: targetLists[i], online: onlineLists[i], tau: settings.tau)
                }
            }
        }
        return Metrics(loss: Float((losses[0] + losses[1]) / 2), gradientNorm: (norms[0] + norms[1]) / 2,
                       targetMean: Float(Kernels.sum(y) / Double(b)))
    }
}

import Foundation
import NeuralNet
import TensorCore

/// Soft actor-critic (Haarnoja et al., 2018) with a tanh-Gaussian actor and automatic entropy
/// temperature, as the reference implements it:
///
///     actor: s → Dense + GELU → residual blocks → (μ, log σ),  log σ clipped to [min, max]
///     a = tanh(μ + σ·ε),   log π(a|s) = Σⱼ[−½(εⱼ² + 2 log σⱼ + log 2π) − log(1 − aⱼ² + 10⁻⁶)]
///     critic target: r + γ·mask·(min Q̄(s′, a′) − α·log π(a′|s′)),  a′ from the current actor
///     actor loss:    mean(α·log π(a|s) − min Q(s, a))  (reparameterised, critic just updated)
///     α loss:        mean(α·(−log π − H̄)),  H̄ = −|A|, optimised in log α
///
/// Evaluation acts with `tanh(μ)`.
public final class SACAgent: Agent {
    public struct Settings: Sendable, Equatable {
        public var critic: TwinCritic.Settings
        public var actorWidth: Int
        public var actorBlocks: Int
        public var actorLearningRate: Float
        public var actorMaxGradNorm: Float?
        public var alphaLearningRate: Float
        public var logStdMin: Float
        public var logStdMax: Float

        public init(critic: TwinCritic.Settings, actorWidth: Int, actorBlocks: Int, actorLearningRate: Float,
                    actorMaxGradNorm: Float?, alphaLearningRate: Float, logStdMin: Float, logStdMax: Float) {
            self.critic = critic; self.actorWidth = actorWidth; self.actorBlocks = actorBlocks
            self.actorLearningRate = actorLearningRate; self.actorMaxGradNorm = actorMaxGradNorm
            self.alphaLearningRate = alphaLearningRate; self.logStdMin = logStdMin; self.logStdMax = logStdMax
        }
    }

    /// A single learnable scalar (log α) as a parameter container.
    final class Scalar: ParameterContainer {
        let value = Tensor(count: 1)
        func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows { try body("log_alpha", value) }
        func zerosLike() -> Scalar { Scalar() }
    }

    public let settings: Settings
    public let critic: TwinCritic
    public let actor: MLP
    let actorOptimizer: ActorOptimizer<MLP>
    let logAlpha = Scalar()
    let alphaGradient = Scalar()
    let alphaOptimizer: Adam
    let actionSize: Int
    let targetEntropy: Float
    private let cache = MLP.Cache()
    private let workspace = Workspace()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        self.actionSize = actionSize
        targetEntropy = -Float(actionSize)
        (actor, critic) = rng.actorAndCritic(observationSize: observationSize, actionSize: actionSize, critic: settings.critic) { rng in
            MLP.residualGELU(inputs: observationSize, width: settings.actorWidth, blocks: settings.actorBlocks, outputs: 2 * actionSize,
                             rng: &rng)
        }
        actorOptimizer = ActorOptimizer(actor, learningRate: settings.actorLearningRate, maxGradNorm: settings.actorMaxGradNorm)
        alphaOptimizer = Adam(for: logAlpha, settings: .init(learningRate: settings.alphaLearningRate))
    }

    /// α = exp(log α) (read back from a device when the agent lives on one).
    public var alpha: Float { Foundation.exp(logAlpha.value.toArray()[0]) }

    /// A sampled batch of actions with what the gradient needs.
    struct Sample {
        let actions: Tensor, logProbs: Tensor, noise: Tensor, std: Tensor, clipped: Tensor
    }

    /// Samples `a = tanh(μ + σε)` and `log π(a|s)` for `states`; the actor's forward pass stays in `cache`.
    private func sample(_ states: Tensor, rng: inout RandomStream) -> Sample {
        let b = states.rows, d = actionSize, ws = workspace
        let out = actor.forward(states, cache: cache)
        let noise = ws.matrix(b, d), std = ws.matrix(b, d), actions = ws.matrix(b, d), clipped = ws.matrix(b, d)
        let logProbs = ws.matrix(b, 1)
        rng.fillNormal(noise)
        Kernels.tanhGaussianSample(out, noise: noise, logStdRange: settings.logStdMin...settings.logStdMax,
                                   actions: actions, std: std, insideClip: clipped, logProbs: logProbs)
        return Sample(actions: actions, logProbs: logProbs, noise: noise, std: std, clipped: clipped)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        workspace.reset()
        if deterministic {
            let out = actor.forward(observations, cache: cache)
            let actions = workspace.matrix(observations.rows, actionSize)
            Kernels.copy(out.columns(0..<actionSize), into: actions.matrix)
            Kernels.tanh(actions, into: actions)
            return actions
        }
        return sample(observations, rng: &rng).actions
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let b = batch.size, d = actionSize
        workspace.reset()
        var nextRNG = rng.split(1), actorRNG = rng.split(2)
        rng = rng.split(3)
        // Critic, with next actions and their log-probabilities from the current actor.
        let next = sample(batch.nextObservations, rng: &nextRNG)
        let bonus = workspace.matrix(b, 1)
        Kernels.scale(next.logProbs, by: -alpha, into: bonus)
        let c = critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards, masks: batch.masks,
                              nextStates: batch.nextObservations, nextActions: next.actions, nextValueBonus: bonus)

        // Actor: L = mean(α log π − min Q), reparameterised.
        let s = sample(batch.observations, rng: &actorRNG)
        let q = workspace.matrix(b, 1), dQ = workspace.matrix(b, d)
        critic.evaluate(conditions: batch.observations, actions: s.actions, values: q, gradients: dQ)
        let a = alpha
        let actorLoss = (Double(a) * Kernels.sum(s.logProbs) - Kernels.sum(q)) / Double(b)
        let dOut = workspace.matrix(b, 2 * d)
        Kernels.tanhGaussianBackward(actionGradient: dQ, actions: s.actions, std: s.std, noise: s.noise,
                                     insideClip: s.clipped, alpha: a, into: dOut)
        actor.backward(dOut, cache: cache, gradients: actorOptimizer.gradients)
        let actorNorm = actorOptimizer.step()

        // Temperature: ∂/∂log α of mean(α(−log π − H̄)) = α·mean(−log π − H̄).
        let meanLogProb = Float(Kernels.sum(s.logProbs) / Double(b))
        alphaGradient.value.setValues([a * (-meanLogProb - targetEntropy)])
        alphaOptimizer.step(ParameterList(alphaGradient))
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": actorLoss, "actor/grad_norm": Double(actorNorm), "actor/entropy": Double(-meanLogProb),
            "agent/alpha": Double(alpha),
        ]
    }

    public var stateTensors: ParameterList {
        ParameterList(actor, prefix: "actor") + actorOptimizer.adam.stateTensors(prefix: "actor_optimizer")
            + ParameterList(logAlpha, prefix: "alpha") + alphaOptimizer.stateTensors(prefix: "alpha_optimizer") + critic.stateTensors
    }

    public var stateScalars: [String: Double] {
        critic.stateScalars.merging(["actor_optimizer.steps": Double(actorOptimizer.adam.stepCount),
                                     "alpha_optimizer.steps": Double(alphaOptimizer.stepCount)]) { a, _ in a }
    }

    public func restoreScalars(_ s: [String: Double]) throws {
        try critic.restoreScalars(s)
        guard let steps = s["actor_optimizer.steps"], let alphaSteps = s["alpha_optimizer.steps"] else {
            throw CheckpointStateError.invalid("missing actor_optimizer.steps or alpha_optimizer.steps")
        }
        actorOptimizer.adam.stepCount = Int(steps)
        alphaOptimizer.stepCount = Int(alphaSteps)
    }
}

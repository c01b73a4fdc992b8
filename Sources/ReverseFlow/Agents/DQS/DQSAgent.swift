import Foundation
import NeuralNet
import TensorCore

/// Diffusion Q-sampling (Jain et al., 2025) as the reference implements it (`src/agent/dqs.py`):
/// a VE diffusion policy whose score network is regressed onto gradient-expectation estimates of
/// the score of the smoothed Boltzmann law `∝ exp(Q/λ)` (iDEM's target).
///
/// One update on a batch (s, a, r, mask, s′), with λ from the schedule at this update's count:
/// 1. next actions `a′ = tanh(x′)`, x′ one ``VESampler`` sample per s′ (the policy before this update);
/// 2. actor: t ~ U(0, 1), `x = a + √h(t)·ε` around the *replay* action a, and
///
///        target = ∇ₓ log E_ε′[exp(min Q(s, x + √h(t)·ε′)/λ)]    (``SmoothedScoreEstimator``, K
///                                                              samples, the critic *before* its update)
///        L      = mean_b (h(t_b) + ε_w) · mean_j (s_θ(t, x, s, λ) − target)²
///
///    one Adam step with global-norm clipping;
/// 3. the critic's TD update (``TwinCritic``) with a′.
///
/// Acting: one sample of the SDE with diffusion scale η, `a = tanh(x)`. Evaluation: the same with
/// η = 0 from initial noise seeded by the state. No exploration noise is added.
public final class DQSAgent: Agent {
    public struct Settings: Sendable, Equatable {
        /// The critic and the actor network (`critic:`, `actor:`), with DQS's own gradient clips.
        public var networks: NetworkSettings
        /// Euler–Maruyama steps N.
        public var steps: Int
        public var schedule: VESchedule
        /// Diffusion scale η of the sampler when acting and for next actions.
        public var diffusionScale: Float
        /// Candidates K of the score estimate.
        public var samples: Int
        /// ε_w of the loss weight `h(t) + ε_w`.
        public var weightOffset: Float
        /// λ at the start and the end of a log-linear schedule over `temperatureSteps` updates.
        public var temperatureInitial: Float
        public var temperatureFinal: Float
        public var temperatureSteps: Int

        public init(networks: NetworkSettings, steps: Int, schedule: VESchedule, diffusionScale: Float, samples: Int,
                    weightOffset: Float, temperatureInitial: Float, temperatureFinal: Float, temperatureSteps: Int) {
            self.networks = networks; self.steps = steps; self.schedule = schedule
            self.diffusionScale = diffusionScale; self.samples = samples; self.weightOffset = weightOffset
            self.temperatureInitial = temperatureInitial; self.temperatureFinal = temperatureFinal
            self.temperatureSteps = temperatureSteps
        }
    }

    public let settings: Settings
    public let critic: TwinCritic
    public let network: PolicyNetwork
    public let estimator: SmoothedScoreEstimator
    let sampler: VESampler
    let actorOptimizer: ActorOptimizer<PolicyNetwork>
    /// Updates taken (drives the temperature schedule).
    public private(set) var updates = 0
    private let cache = PolicyNetwork.Cache()
    private let workspace = Workspace()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        (network, critic) = rng.policyAndCritic(observationSize: observationSize, actionSize: actionSize, networks: settings.networks)
        sampler = VESampler(network: network, schedule: settings.schedule, steps: settings.steps)
        estimator = SmoothedScoreEstimator(actionDim: actionSize, samples: settings.samples)
        actorOptimizer = ActorOptimizer(network, settings: settings.networks)
    }

    /// λ after `count` updates: `exp(log λ₀ + (log λ₁ − log λ₀)·min(count/steps, 1))` (the
    /// reference's `anneal_temperature`; acting uses the updates so far, an update the count
    /// including itself).
    public func temperature(after count: Int) -> Float {
        TemperatureSchedule(initial: settings.temperatureInitial, final: settings.temperatureFinal,
                            steps: settings.temperatureSteps).value(after: count)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        let lambda = temperature(after: updates)
        let x: Tensor
        if deterministic {
            var noise = NoiseSource(seededBy: observations, width: critic.actionDim)
            x = sampler.sample(states: observations, temperature: lambda, diffusionScale: 0, noise: &noise)
        } else {
            x = NoiseSource.drawing(from: &rng) { noise in
                sampler.sample(states: observations, temperature: lambda, diffusionScale: settings.diffusionScale, noise: &noise)
            }
        }
        Kernels.tanh(x, into: x)
        return x
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let b = batch.size, d = critic.actionDim
        let lambda = temperature(after: updates + 1)
        var pathRNG = rng.split(2), scoreRNG = rng.split(3)
        var noise = NoiseSource(rng.split(1))
        rng = rng.split(4)
        workspace.reset()
        // 1. Next actions from the policy before this update.
        let nextActions = workspace.matrix(b, d)
        Kernels.tanh(sampler.sample(states: batch.nextObservations, temperature: lambda, diffusionScale: settings.diffusionScale,
                                    noise: &noise), into: nextActions)

        // 2. Actor: noised replay actions at uniform times, targets from the critic before its update.
        let times = workspace.vector(b), variance = workspace.vector(b), sigma = workspace.vector(b), one = workspace.vector(b)
        // The times and the schedule's variances (a Float64 formula) on the host, copied in once.
        let drawn = Tensor(count: b, on: nil)
        pathRNG.fillUniform(drawn)
        let schedule = settings.schedule
        let t = drawn.toArray(), v = t.map { Float(schedule.variance(Double($0))) }
        times.setValues(t)
        variance.setValues(v)
        sigma.setValues(v.map { $0.squareRoot() })
        one.fill(1)
        let eps = workspace.matrix(b, d), noisy = workspace.matrix(b, d)
        pathRNG.fillNormal(eps)
        Kernels.groupAffine(eps, scale: sigma, shift: batch.actions, shiftScale: one, into: noisy)
        let candidates = estimator.drawNoise(rows: b, rng: &scoreRNG)
        let estimate = estimator.estimate(target: critic, conditions: batch.observations, x: noisy, variance: variance,
                                          temperature: lambda, noise: candidates)

        // L = mean_b w_b · mean_j (pred − target)²,  w = h(t) + ε_w;  ∂L/∂pred = 2 w_b (pred − target)/(B·d).
        let prediction = network.forward(states: batch.observations, latents: noisy, times: times, temperature: lambda, cache: cache)
        let weights = workspace.vector(b), dOut = workspace.matrix(b, d), scratch = workspace.matrix(b, d)
        let rowErrors = workspace.vector(b), offset = settings.weightOffset
        weights.setValues(v.map { $0 + offset })
        Kernels.subtract(prediction, estimate.scores, into: dOut)
        Kernels.multiply(dOut, dOut, into: scratch)
        Kernels.sumRows(scratch, into: rowErrors)
        Kernels.multiply(rowErrors, weights, into: rowErrors)
        let loss = Kernels.sum(rowErrors) / Double(b * d)
        Kernels.scale(weights, by: 2 / Float(b * d), into: weights)
        Kernels.broadcastColumn(weights, into: scratch)
        Kernels.multiply(dOut, scratch, into: dOut)
        network.backward(dOut, cache: cache, gradients: actorOptimizer.gradients)
        let norm = actorOptimizer.step()

        // 3. Critic.
        let c = critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards,
                              masks: batch.masks, nextStates: batch.nextObservations, nextActions: nextActions)
        updates += 1
        let s = estimate.summary
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": loss, "actor/grad_norm": Double(norm),
            "estimator/ess": Double(s.ess), "estimator/q_mean": Double(s.qMean), "estimator/q_std": Double(s.qStd),
            "agent/temperature": Double(lambda),
        ]
    }

    public var stateTensors: ParameterList { ActorCriticState.tensors(actor: network, optimizer: actorOptimizer.adam, critic: critic) }

    public var stateScalars: [String: Double] { ActorCriticState.scalars(optimizer: actorOptimizer.adam, critic: critic, updates: updates) }

    public func restoreScalars(_ s: [String: Double]) throws {
        updates = try ActorCriticState.restoreUpdates(s, optimizer: actorOptimizer.adam, critic: critic)
    }
}

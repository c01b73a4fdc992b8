import Foundation
import NeuralNet
import TensorCore

/// MaxEntDP (Dong et al., 2025), as the reference's `maxentdp.py` implements it: a diffusion
/// policy in action space trained towards the Boltzmann policy `∝ exp(Q/λ)` by noise-expectation
/// targets, and a critic that backs up the policy's entropy.
///
/// One update on a batch (s, a, r, mask, s′), λ from the temperature schedule:
/// 1. actor targets at the replay actions: `t ~ U[t_min, t_max]`, `x_t = √ᾱ(t)·a + √(1 − ᾱ(t))·ε`,
///    target `ε̂` from ``TruncatedNoiseTarget`` (K candidates, weighed by the target critics
///    before this update's Polyak step, as in the reference);
/// 2. `a′ ~ π(·|s′)` (one sample) and `log π(a′|s′)` by ``DenoisingLogLikelihood``;
/// 3. critic TD update with target `r + γ·mask·(min Q̄(s′, a′) − λ·log π(a′|s′))`;
/// 4. actor step on `mean_{b,j}(ε_θ(log SNR(t), x_t, s, λ) − ε̂)²`.
///
/// Acting: one sample of the policy. Evaluation: `eval_candidates` samples per state with noise
/// seeded by the state, the one with the largest `min(Q̄₁, Q̄₂)` (target critics, as the reference).
public final class MaxEntDPAgent: Agent {
    public struct Settings: Sendable, Equatable {
        /// The critic and the actor network (`critic:`, `actor:`), with MaxEntDP's own gradient clips.
        public var networks: NetworkSettings
        /// Reverse steps of the sampler.
        public var diffusionSteps: Int
        /// The time range of the cosine schedule.
        public var tMin: Double
        public var tMax: Double
        /// Candidates K of the noise-expectation target.
        public var posteriorSamples: Int
        /// Noise draws and grid points of the log-likelihood estimate.
        public var logProbSamples: Int
        public var logProbSteps: Int
        /// Candidates per state when evaluating.
        public var evaluationCandidates: Int
        /// λ at the start and end of a log-linear schedule over `temperatureSteps` updates.
        public var temperatureInitial: Float
        public var temperatureFinal: Float
        public var temperatureSteps: Int

        public init(networks: NetworkSettings, diffusionSteps: Int, tMin: Double, tMax: Double,
                    posteriorSamples: Int, logProbSamples: Int, logProbSteps: Int, evaluationCandidates: Int,
                    temperatureInitial: Float, temperatureFinal: Float, temperatureSteps: Int) {
            self.networks = networks; self.diffusionSteps = diffusionSteps
            self.tMin = tMin; self.tMax = tMax; self.posteriorSamples = posteriorSamples
            self.logProbSamples = logProbSamples; self.logProbSteps = logProbSteps
            self.evaluationCandidates = evaluationCandidates; self.temperatureInitial = temperatureInitial
            self.temperatureFinal = temperatureFinal; self.temperatureSteps = temperatureSteps
        }
    }

    public let settings: Settings
    public let critic: TwinCritic
    public let network: PolicyNetwork
    public let sampler: CosineDiffusionSampler
    public let logLikelihoodEstimator: DenoisingLogLikelihood
    public let posterior: TruncatedNoiseTarget
    let actorOptimizer: ActorOptimizer<PolicyNetwork>
    /// Updates taken (drives the temperature schedule).
    public private(set) var updates = 0
    private let cache = PolicyNetwork.Cache()
    private let rollout = PolicyNetwork.Rollout()
    private let workspace = Workspace()
    private let picksBySize = IndicesCache()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        (network, critic) = rng.policyAndCritic(observationSize: observationSize, actionSize: actionSize, networks: settings.networks)
        sampler = CosineDiffusionSampler(network: network, grid: CosineDiffusionGrid(
            steps: settings.diffusionSteps, tMin: settings.tMin, tMax: settings.tMax))
        logLikelihoodEstimator = DenoisingLogLikelihood(grid: CosineDiffusionGrid(steps: settings.logProbSteps, tMin: settings.tMin,
                                                                         tMax: settings.tMax),
                                               samples: settings.logProbSamples)
        posterior = TruncatedNoiseTarget(samples: settings.posteriorSamples)
        actorOptimizer = ActorOptimizer(network, settings: settings.networks)
    }

    /// λ after `updates` updates: `exp(log λ₀ + (log λ₁ − log λ₀)·min(updates/steps, 1))`.
    public var temperature: Float {
        TemperatureSchedule(initial: settings.temperatureInitial, final: settings.temperatureFinal,
                            steps: settings.temperatureSteps).value(after: updates)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        workspace.reset()
        let b = observations.rows, d = critic.actionDim
        let actions = workspace.matrix(b, d)
        if !deterministic {
            actions.assign(sampler.sample(states: observations, particles: 1, temperature: temperature, rng: &rng))
            return actions
        }
        // Best of P candidates per state under the target critics, the noise seeded by the state.
        let p = settings.evaluationCandidates
        critic.pickBestPerState(observations, purpose: .maxEntDPEvaluation, candidates: p, scoring: .targetMinimum,
                                workspace: workspace, picks: picksBySize, into: actions) { state, stream in
            sampler.sample(states: state, particles: p, temperature: temperature, rng: &stream)
        }
        return actions
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let lambda = temperature
        let b = batch.size, d = critic.actionDim
        workspace.reset()
        var pathRNG = rng.split(1), posteriorRNG = rng.split(2), nextRNG = rng.split(3), logProbRNG = rng.split(4)
        rng = rng.split(5)

        // 1. Actor targets at the replay actions (target critics, before this update's Polyak step).
        // t uniform on [t_min, t_max] through the (Float64) cosine schedule; the network sees log-SNR.
        let schedule = NoiseSchedule.cosine()
        let path = ForwardNoising(batch.actions, workspace: workspace, rng: &pathRNG) { rng in
            let t = settings.tMin + (settings.tMax - settings.tMin) * Double(rng.uniform())
            let ab = Float(schedule.alphaBar(t))
            return (CosineDiffusionGrid.logSNR(ab), ab.squareRoot(), max((1 - ab).squareRoot(), 1e-5))
        }
        let logSNR = path.times, alpha1 = path.signal, alpha2 = path.noiseScale, xt = path.noisy
        let estimate = posterior.estimate(critic: critic, states: batch.observations, xt: xt, alpha1: alpha1,
                                          alpha2: alpha2, temperature: lambda, rng: &posteriorRNG)

        // 2. Next actions and their log-likelihood under the current policy.
        let nextActions = workspace.matrix(b, d)
        nextActions.assign(sampler.sample(states: batch.nextObservations, particles: 1, temperature: lambda, rng: &nextRNG))
        let logProb = logLikelihood(states: batch.nextObservations, actions: nextActions, temperature: lambda, rng: &logProbRNG)

        // 3. Critic with the entropy backup −λ·log π(a′|s′).
        let bonus = workspace.matrix(b, 1)
        Kernels.scale(logProb, by: -lambda, into: bonus)
        let c = critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards,
                              masks: batch.masks, nextStates: batch.nextObservations, nextActions: nextActions,
                              nextValueBonus: bonus)

        // 4. Actor regression onto ε̂.
        let (loss, norm) = actorOptimizer.regress(states: batch.observations, latents: xt, times: logSNR, temperature: lambda,
                                                  onto: estimate.noise, cache: cache, workspace: workspace)
        updates += 1
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": loss, "actor/grad_norm": Double(norm), "actor/log_prob": Kernels.sum(logProb) / Double(b),
            "estimator/ess": Double(estimate.ess), "estimator/q_mean": Double(estimate.qMean),
            "agent/temperature": Double(lambda),
        ]
    }

    /// `log π̂(a|s)` `[B, 1]` by ``DenoisingLogLikelihood`` with the current network.
    public func logLikelihood(states: Tensor, actions: Tensor, temperature: Float, rng: inout RandomStream) -> Tensor {
        network.prepare(rollout, states: states, temperature: temperature)
        let out = logLikelihoodEstimator.estimate(actions: actions, rng: &rng) { x, logSNR in
            network.evaluate(rollout, latents: x, time: logSNR)
        }
        out.reshape(actions.rows, 1)
        return out
    }

    public var stateTensors: ParameterList { ActorCriticState.tensors(actor: network, optimizer: actorOptimizer.adam, critic: critic) }

    public var stateScalars: [String: Double] { ActorCriticState.scalars(optimizer: actorOptimizer.adam, critic: critic, updates: updates) }

    public func restoreScalars(_ s: [String: Double]) throws {
        updates = try ActorCriticState.restoreUpdates(s, optimizer: actorOptimizer.adam, critic: critic)
    }
}

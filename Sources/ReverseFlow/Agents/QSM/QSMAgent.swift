import NeuralNet
import TensorCore

/// Q-score matching (Psenka et al., 2024) as the reference implements it (`src/agent/qsm.py`):
/// a VP diffusion policy whose noise-prediction network is regressed onto the scaled action
/// gradient of the critic at noised replay actions.
///
/// One update on a batch (s, a, r, mask, s′):
/// 1. next actions: one ``AncestralSampler`` sample per s′, plus `N(0, σ_target²)` noise, clipped
///    to [−1, 1];
/// 2. the critic's TD update (``TwinCritic``) with them;
/// 3. actor: k ~ U{0, …, N−1}, `x = √ᾱₖ·a + √(1 − ᾱₖ)·ε` around the *replay* action a, and
///
///        target = −scale · ½(∇ₐQ₁ + ∇ₐQ₂)(s, x)          (critic just updated; no gradient)
///        L      = mean_{b,j} (ε_θ(k, x, s, τ) − target)²
///
///    one Adam step with global-norm clipping.
///
/// The network's time input is the step index k (as the sampler's), its temperature input the
/// DDPM temperature τ. Acting: one sample plus `N(0, σ_explore²)` noise, clipped to [−1, 1].
/// Evaluation: one sample, no added noise, with the sampler's noise seeded from the state.
public final class QSMAgent: Agent {
    public struct Settings: Sendable, Equatable {
        /// The critic and the actor network (`critic:`, `actor:`), with QSM's own gradient clips.
        public var networks: NetworkSettings
        /// Diffusion steps N.
        public var steps: Int
        public var schedule: NoiseSchedule
        /// DDPM temperature τ: scale of the sampler's injected noise, and the network's λ input.
        public var temperature: Float
        /// Clip of every sampler step to [−c, c]; nil: none.
        public var clip: Float?
        /// Scale of the critic's action gradient in the regression target.
        public var gradientScale: Float
        /// Standard deviation of the noise added to next actions (critic target).
        public var targetNoise: Float
        /// Standard deviation of the noise added to actions when acting.
        public var explorationNoise: Float

        public init(networks: NetworkSettings, steps: Int, schedule: NoiseSchedule, temperature: Float, clip: Float?,
                    gradientScale: Float, targetNoise: Float, explorationNoise: Float) {
            self.networks = networks; self.steps = steps; self.schedule = schedule
            self.temperature = temperature; self.clip = clip; self.gradientScale = gradientScale
            self.targetNoise = targetNoise; self.explorationNoise = explorationNoise
        }
    }

    public let settings: Settings
    public let critic: TwinCritic
    public let network: PolicyNetwork
    let sampler: AncestralSampler
    let actorOptimizer: ActorOptimizer<PolicyNetwork>
    private let cache = PolicyNetwork.Cache()
    private let workspace = Workspace()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        (network, critic) = rng.policyAndCritic(observationSize: observationSize, actionSize: actionSize, networks: settings.networks)
        sampler = AncestralSampler(network: network, schedule: settings.schedule, steps: settings.steps, clip: settings.clip)
        actorOptimizer = ActorOptimizer(network, settings: settings.networks)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        if deterministic {
            var noise = NoiseSource(seededBy: observations, width: critic.actionDim)
            return sampler.sample(states: observations, temperature: settings.temperature, noise: &noise)
        }
        let actions = NoiseSource.drawing(from: &rng) { noise in
            sampler.sample(states: observations, temperature: settings.temperature, noise: &noise)
        }
        workspace.reset()
        perturb(actions, std: settings.explorationNoise, rng: &rng)
        return actions
    }

    /// `a ← clip(a + σ·z, −1, 1)` in place (nothing when σ = 0).
    private func perturb(_ actions: Tensor, std: Float, rng: inout RandomStream) {
        guard std > 0 else { return }
        let z = workspace.matrix(actions.rows, actions.cols)
        rng.fillNormal(z)
        Kernels.axpy(std, z, actions)
        Kernels.clamp(actions, bound: 1, into: actions)
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let b = batch.size, d = critic.actionDim, tau = settings.temperature
        var nextRNG = rng.split(1), pathRNG = rng.split(2)
        rng = rng.split(3)
        workspace.reset()
        // 1–2. Critic, with noised next actions from the current policy.
        let nextActions = NoiseSource.drawing(from: &nextRNG) { noise in
            sampler.sample(states: batch.nextObservations, temperature: tau, noise: &noise)
        }
        perturb(nextActions, std: settings.targetNoise, rng: &nextRNG)
        let c = critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards,
                              masks: batch.masks, nextStates: batch.nextObservations, nextActions: nextActions)

        // 3. Noised replay actions at uniform step indices.
        let path = ForwardNoising(batch.actions, workspace: workspace, rng: &pathRNG) { rng in
            let k = rng.integer(below: settings.steps)
            return (Float(k), sampler.alphaBars[k].squareRoot(), (1 - sampler.alphaBars[k]).squareRoot())
        }
        let times = path.times, noisy = path.noisy
        let targets = workspace.matrix(b, d)
        scoreTargets(states: batch.observations, noisyActions: noisy, into: targets)

        // Regression of ε_θ onto the targets.
        let (loss, norm) = actorOptimizer.regress(states: batch.observations, latents: noisy, times: times, temperature: tau,
                                                  onto: targets, cache: cache, workspace: workspace)
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": loss, "actor/grad_norm": Double(norm),
            "actor/target_rms": (Kernels.sumOfSquares(targets) / Double(targets.count)).squareRoot(),
            "agent/temperature": Double(tau),
        ]
    }

    /// The regression target `−scale·½(∇ₐQ₁ + ∇ₐQ₂)(s, x)` `[B, d]` with the online critics.
    public func scoreTargets(states: Tensor, noisyActions: Tensor, into out: Tensor) {
        critic.meanActionGradient(states: states, actions: noisyActions, into: out)
        Kernels.scale(out, by: -settings.gradientScale, into: out)
    }

    public var stateTensors: ParameterList {
        ActorCriticState.tensors(actor: network, optimizer: actorOptimizer.adam, critic: critic)
    }

    public var stateScalars: [String: Double] { ActorCriticState.scalars(optimizer: actorOptimizer.adam, critic: critic) }

    public func restoreScalars(_ s: [String: Double]) throws {
        try ActorCriticState.restore(s, optimizer: actorOptimizer.adam, critic: critic)
    }
}

import Foundation
import NeuralNet
import TensorCore

/// The RFM agent (method.md §5): a flow policy in a tanh latent trained by reverse flow matching
/// against the Boltzmann policy of a twin critic.
///
/// One update on a batch (s, a, r, mask, s′):
/// 1. on-policy endpoints: P flow particles per state, one picked with probability
///    softmax(min Q(s, tanh yᵢ)/λ); its latent y₁ is kept;
/// 2. next actions a′ for s′ the same way;
/// 3. the critic's TD update (``TwinCritic``) with a′;
/// 4. the actor's regression onto posterior velocity targets from the critic just updated
///    (``PolicyLearner`` with a ``PosteriorEstimator``); Polyak is part of step 3.
///
/// Acting: P particles, Boltzmann pick. Evaluation: P particles, the argmax-Q particle, with the
/// noise derived from the state so the evaluation policy is deterministic.
public final class RFMAgent: Agent {
    public struct Settings: Sendable, Equatable {
        /// The critic and the actor network (`critic:`, `actor:`), with RFM's clips `critic.max_grad_norm` and `actor.max_grad_norm`.
        public var networks: NetworkSettings
        public var flowSteps: Int
        public var integrator: FlowPolicy.Integrator
        public var tMin: Float
        public var posteriorSamples: Int
        public var controlVariate: ControlVariate
        /// Particles for the on-policy endpoints and next actions of an update.
        public var trainingParticles: Int
        /// Particles when acting in the environment.
        public var actingParticles: Int
        /// Particles for evaluation (argmax Q).
        public var evaluationParticles: Int
        /// λ at the start and the end of a log-linear schedule over `temperatureSteps` updates
        /// (equal values: fixed λ, the paper preset).
        public var temperatureInitial: Float
        public var temperatureFinal: Float
        public var temperatureSteps: Int
        /// When set, the policy is this diffusion (trained from the same posterior estimates, with
        /// its noise as the regression target) instead of the flow; `flowSteps`, `integrator` and
        /// `tMin` are then unused.
        public var diffusion: DiffusionPolicy.Settings?

        public init(networks: NetworkSettings, flowSteps: Int, integrator: FlowPolicy.Integrator,
                    tMin: Float, posteriorSamples: Int, controlVariate: ControlVariate, trainingParticles: Int,
                    actingParticles: Int, evaluationParticles: Int, temperatureInitial: Float, temperatureFinal: Float,
                    temperatureSteps: Int, diffusion: DiffusionPolicy.Settings? = nil) {
            self.networks = networks; self.flowSteps = flowSteps; self.integrator = integrator
            self.tMin = tMin; self.posteriorSamples = posteriorSamples; self.controlVariate = controlVariate
            self.trainingParticles = trainingParticles; self.actingParticles = actingParticles
            self.evaluationParticles = evaluationParticles; self.temperatureInitial = temperatureInitial
            self.temperatureFinal = temperatureFinal; self.temperatureSteps = temperatureSteps
            self.diffusion = diffusion
        }
    }

    public let settings: Settings
    public let critic: TwinCritic
    /// The flow policy of the paper, or a diffusion policy (``Settings/diffusion``).
    public let policy: GenerativePolicy
    public let learner: PolicyLearner
    /// Updates taken (drives the temperature schedule).
    public private(set) var updates = 0
    /// When set, update phases are timed into it (benchmarks).
    public var profiler: PhaseProfiler? {
        didSet { learner.profiler = profiler }
    }
    private let workspace = Workspace()
    /// The picks of each batch size in use (acting and updating alternate).
    private let picksBySize = IndicesCache()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        let networks = settings.networks
        let network: PolicyNetwork
        (network, critic) = rng.policyAndCritic(observationSize: observationSize, actionSize: actionSize, networks: networks)
        if var diffusion = settings.diffusion {
            diffusion.squash = true
            policy = DiffusionPolicy(network: network, settings: diffusion)
        } else {
            policy = FlowPolicy(network: network, settings: .init(steps: settings.flowSteps, integrator: settings.integrator,
                                                                  tMin: settings.tMin, squash: true))
        }
        let estimator = PosteriorEstimator(actionDim: actionSize, settings: .init(samples: settings.posteriorSamples,
                                                                                   controlVariate: settings.controlVariate))
        learner = PolicyLearner(policy: policy, estimator: estimator,
                                settings: .init(learningRate: networks.actorLearningRate, maxGradNorm: networks.actorMaxGradNorm))
    }

    /// λ after `updates` updates: `exp(log λ₀ + (log λ₁ − log λ₀)·min(updates/steps, 1))`.
    public var temperature: Float {
        TemperatureSchedule(initial: settings.temperatureInitial, final: settings.temperatureFinal,
                            steps: settings.temperatureSteps).value(after: updates)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        workspace.reset()
        let actions = workspace.matrix(observations.rows, critic.actionDim)
        if deterministic {
            let y = evaluationLatents(observations)
            select(states: observations, latents: y, particles: settings.evaluationParticles, boltzmann: false,
                   rng: &rng, latentsOut: nil, actionsOut: actions)
        } else {
            let y = policy.sampleLatents(states: observations, count: observations.rows, particles: settings.actingParticles,
                                         temperature: temperature, rng: &rng)
            select(states: observations, latents: y, particles: settings.actingParticles, boltzmann: true,
                   rng: &rng, latentsOut: nil, actionsOut: actions)
        }
        return actions
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let lambda = temperature
        let b = batch.size, d = critic.actionDim, p = settings.trainingParticles
        workspace.reset()
        let endpoints = workspace.matrix(b, d), endpointActions = workspace.matrix(b, d)
        let nextLatents = workspace.matrix(b, d), nextActions = workspace.matrix(b, d)
        var sampleRNG = rng.split(1), learnRNG = rng.split(2)
        rng = rng.split(3)
        // 1–2. On-policy endpoints and next actions, each picked by Boltzmann resampling.
        var y = profiler.measure("rollouts") {
            policy.sampleLatents(states: batch.observations, count: b, particles: p, temperature: lambda, rng: &sampleRNG)
        }
        profiler.measure("particle Q") {
            select(states: batch.observations, latents: y, particles: p, boltzmann: true, rng: &sampleRNG,
                   latentsOut: endpoints, actionsOut: endpointActions)
        }
        y = profiler.measure("rollouts") {
            policy.sampleLatents(states: batch.nextObservations, count: b, particles: p, temperature: lambda, rng: &sampleRNG)
        }
        profiler.measure("particle Q") {
            select(states: batch.nextObservations, latents: y, particles: p, boltzmann: true, rng: &sampleRNG,
                   latentsOut: nextLatents, actionsOut: nextActions)
        }
        // 3. Critic.
        let c = profiler.measure("critic step") {
            critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards,
                          masks: batch.masks, nextStates: batch.nextObservations, nextActions: nextActions)
        }
        // 4. Actor, against the critic just updated.
        let a = learner.update(endpoints: endpoints, states: batch.observations, target: critic, temperature: lambda, rng: &learnRNG)
        updates += 1
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": Double(a.loss), "actor/grad_norm": Double(a.gradientNorm),
            "estimator/ess": Double(a.ess), "estimator/coefficient": Double(a.coefficient),
            "estimator/q_mean": Double(a.qMean), "estimator/q_std": Double(a.qStd),
            "agent/temperature": Double(lambda),
        ]
    }

    /// Picks one of each state's `particles` consecutive latents: by softmax(Q/λ) sampling or by
    /// argmax Q. Writes the chosen latents and/or their actions `tanh(y)`.
    private func select(states: Tensor, latents: Tensor, particles: Int, boltzmann: Bool, rng: inout RandomStream,
                        latentsOut: Tensor?, actionsOut: Tensor) {
        let g = states.rows, n = latents.rows, d = latents.cols
        let ws = workspace
        let candidates = ws.matrix(n, d), q = ws.matrix(n, 1)
        Kernels.tanh(latents, into: candidates)
        if particles == 1 {
            actionsOut.assign(candidates)
            latentsOut?.assign(latents)
            return
        }
        // The picks live where the latents do (the GPU when the agent runs there).
        let picks = picksBySize.indices(count: g, on: latents.device)
        if boltzmann {
            critic.candidateValues(candidates, states: states, particles: particles, scoring: .online, into: q)
            Kernels.scale(q, by: 1 / max(temperature, 1e-12), into: q)
            rng.categorical(logits: q, into: picks)
            // Pick i is a particle of state i: row i·P + pick.
            Kernels.gatherRows(candidates, picks, groupSize: particles, into: actionsOut)
        } else {
            critic.pickBest(of: candidates, states: states, particles: particles, scoring: .online, values: q, picks: picks,
                            into: actionsOut)
        }
        if let latentsOut { Kernels.gatherRows(latents, picks, groupSize: particles, into: latentsOut) }
    }

    /// Evaluation noise `[B·P, d]` on the host: each state's P particles start from normals
    /// seeded by a hash of the state's bits, so the same observation always gives the same
    /// action. Public so that other implementations (the Python package, `python/`) can be
    /// checked against the very noise deterministic acting starts from.
    /// (The hash needs the states' bits, so states on a device are read back and the noise is
    /// drawn on the host; acting returns its actions to the host anyway.)
    public func evaluationNoise(_ states: Tensor) -> Tensor {
        let p = settings.evaluationParticles, d = critic.actionDim
        let noise = Tensor(rows: states.rows * p, cols: d, on: nil), row = Tensor(rows: p, cols: d, on: nil)
        for (i, var stream) in StateSeededStreams.perRow(states, purpose: .rfmEvaluation).enumerated() {
            stream.fillNormal(row)
            Kernels.copy(row.matrix, into: noise.rows((i * p)..<((i + 1) * p)))
        }
        return noise
    }

    /// The evaluation latents: ``evaluationNoise(_:)`` carried through the policy.
    private func evaluationLatents(_ states: Tensor) -> Tensor {
        let y = workspace.matrix(states.rows * settings.evaluationParticles, critic.actionDim)
        y.assign(evaluationNoise(states))
        // A stochastic sampler's step noise also comes from the states, so evaluation stays a
        // function of the observations.
        var stepNoise = StateSeededStreams.whole(states, purpose: .rfmStepNoise)
        policy.generate(y, states: states, temperature: temperature, rng: &stepNoise)
        return y
    }

    public var stateTensors: ParameterList {
        ActorCriticState.tensors(actor: policy.network, optimizer: learner.optimizer, critic: critic)
    }

    public var stateScalars: [String: Double] { ActorCriticState.scalars(optimizer: learner.optimizer, critic: critic, updates: updates) }

    public func restoreScalars(_ s: [String: Double]) throws {
        updates = try ActorCriticState.restoreUpdates(s, optimizer: learner.optimizer, critic: critic)
    }
}

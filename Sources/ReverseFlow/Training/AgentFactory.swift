import NeuralNet
import TensorCore

/// Builds the agent a configuration names, with every hyperparameter taken from the config.
public enum AgentFactory {
    public static func criticSettings(_ c: RunConfig) -> TwinCritic.Settings {
        TwinCritic.Settings(hidden: [Int](repeating: c.int("critic.hidden"), count: c.int("critic.layers")),
                            learningRate: c.float("critic.lr"), maxGradNorm: c.optionalFloat("critic.max_grad_norm"),
                            discount: c.float("critic.discount"), tau: c.float("critic.tau"))
    }

    public static func controlVariate(_ c: RunConfig) -> ControlVariate {
        switch c.string("rfm.estimator") {
        case "noise": .noise
        case "gradient": .gradient
        case "fixed": .fixed(c.float("rfm.cv_fixed"))
        default: .optimal(ridge: c.float("rfm.cv_ridge"), clip: c.float("rfm.cv_clip"))
        }
    }

    /// The shared critic settings with an agent's own clip (and activation).
    static func criticSettings(_ c: RunConfig, clipKey: String, activation: Activation = .relu) -> TwinCritic.Settings {
        var s = criticSettings(c)
        s.maxGradNorm = c.optionalFloat(clipKey)
        s.activation = activation
        return s
    }

    /// RFM's diffusion policy when `rfm.policy` is `diffusion`.
    public static func rfmDiffusion(_ c: RunConfig) -> DiffusionPolicy.Settings? {
        guard c.string("rfm.policy") == "diffusion" else { return nil }
        return DiffusionPolicy.Settings(steps: c.int("rfm.diffusion_steps"),
                                        schedule: c.string("rfm.diffusion_schedule") == "vp" ? .vp() : .cosine(),
                                        sampler: c.string("rfm.diffusion_sampler") == "ddim" ? .ddim : .ddpm, squash: true)
    }

    public static func make(_ c: RunConfig, observationSize: Int, actionSize: Int, rng: inout RandomStream) -> Agent {
        switch AgentKind(c) {
        case .sac:
            return SACAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c, clipKey: "sac.critic_max_grad_norm"), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                actorLearningRate: c.float("actor.lr"), actorMaxGradNorm: c.optionalFloat("sac.actor_max_grad_norm"),
                alphaLearningRate: c.float("sac.alpha_lr"), logStdMin: c.float("sac.log_std_min"),
                logStdMax: c.float("sac.log_std_max")), rng: &rng)
        case .qsm:
            return QSMAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c, clipKey: "qsm.critic_max_grad_norm"), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("qsm.actor_max_grad_norm"), steps: c.int("qsm.steps"),
                schedule: .vp(betaMin: c.double("qsm.beta_min"), betaMax: c.double("qsm.beta_max")),
                temperature: c.float("qsm.temperature"), clip: c.optionalFloat("qsm.clip"),
                gradientScale: c.float("qsm.gradient_scale"), targetNoise: c.float("qsm.target_noise"),
                explorationNoise: c.float("qsm.exploration_noise")), rng: &rng)
        case .dqs:
            return DQSAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c, clipKey: "dqs.critic_max_grad_norm"), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("dqs.actor_max_grad_norm"), steps: c.int("dqs.steps"),
                schedule: VESchedule(sigmaMin: c.double("dqs.sigma_min"), sigmaMax: c.double("dqs.sigma_max")),
                diffusionScale: c.float("dqs.diffusion_scale"), samples: c.int("dqs.posterior_samples"),
                weightOffset: c.float("dqs.weight_offset"), temperatureInitial: c.float("dqs.temperature"),
                temperatureFinal: c.float("dqs.temperature_final"), temperatureSteps: c.int("dqs.temperature_steps")),
                rng: &rng)
        case .maxentdp:
            let tMax = c.optionalFloat("maxentdp.t_max").map(Double.init)
                ?? CosineDiffusionGrid.defaultTMax(betaMax: c.double("maxentdp.cosine_beta_max"))
            return MaxEntDPAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c, clipKey: "maxentdp.critic_max_grad_norm"), actorWidth: c.int("actor.hidden"),
                actorBlocks: c.int("actor.blocks"), embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("maxentdp.actor_max_grad_norm"), diffusionSteps: c.int("maxentdp.diffusion_steps"),
                tMin: c.double("maxentdp.t_min"), tMax: tMax, posteriorSamples: c.int("maxentdp.posterior_samples"),
                logProbSamples: c.int("maxentdp.log_prob_samples"), logProbSteps: c.int("maxentdp.log_prob_steps"),
                evaluationCandidates: c.int("maxentdp.eval_candidates"), temperatureInitial: c.float("maxentdp.temperature"),
                temperatureFinal: c.float("maxentdp.temperature_final"), temperatureSteps: c.int("maxentdp.temperature_steps")),
                rng: &rng)
        case .qvpo:
            return QVPOAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c, clipKey: "qvpo.critic_max_grad_norm", activation: .mish),
                actorWidth: c.int("actor.hidden"), actorLayers: c.int("actor.blocks"), embeddingSize: c.int("actor.embedding"),
                actorLearningRate: c.float("actor.lr"), actorMaxGradNorm: c.optionalFloat("qvpo.actor_max_grad_norm"),
                diffusionSteps: c.int("qvpo.diffusion_steps"), noiseRatio: c.float("qvpo.noise_ratio"),
                behaviorSamples: c.int("qvpo.behavior_samples"), targetSamples: c.int("qvpo.target_samples"),
                evaluationSamples: c.int("qvpo.eval_samples"), trainingSamples: c.int("qvpo.train_samples"),
                epsGreedy: c.float("qvpo.eps_greedy"), emaMean: c.float("qvpo.ema_mean"), emaStd: c.float("qvpo.ema_std"),
                bestActions: QVPOAgent.BestActions(rawValue: c.string("qvpo.best_actions"))!,
                actionLearningRate: c.float("qvpo.action_lr"), actionGradientSteps: c.int("qvpo.action_gradient_steps"),
                actionGradNormPerDimension: c.float("qvpo.action_grad_norm_per_dim"),
                entropyAlpha: c.float("qvpo.entropy_alpha"), entropySamples: c.int("qvpo.entropy_samples")), rng: &rng)
        case .rfm:
            return RFMAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("actor.max_grad_norm"), flowSteps: c.int("rfm.flow_steps"),
                integrator: FlowPolicy.Integrator(rawValue: c.string("rfm.integrator"))!, tMin: c.float("rfm.t_min"),
                posteriorSamples: c.int("rfm.posterior_samples"), controlVariate: controlVariate(c),
                trainingParticles: c.int("rfm.particles_train"), actingParticles: c.int("rfm.particles_act"),
                evaluationParticles: c.int("rfm.particles_eval"), temperatureInitial: c.float("rfm.temperature"),
                temperatureFinal: c.float("rfm.temperature_final"), temperatureSteps: c.int("rfm.temperature_steps"),
                diffusion: rfmDiffusion(c)), rng: &rng)
        }
    }
}

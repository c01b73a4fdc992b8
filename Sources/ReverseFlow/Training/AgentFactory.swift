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

    public static func make(_ c: RunConfig, observationSize: Int, actionSize: Int, rng: inout RandomStream) -> Agent {
        switch c.string("agent") {
        case "sac":
            return SACAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                actorLearningRate: c.float("actor.lr"), actorMaxGradNorm: c.optionalFloat("actor.max_grad_norm"),
                alphaLearningRate: c.float("sac.alpha_lr"), logStdMin: c.float("sac.log_std_min"),
                logStdMax: c.float("sac.log_std_max")), rng: &rng)
        case "qsm":
            return QSMAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("actor.max_grad_norm"), steps: c.int("qsm.steps"),
                schedule: .vp(betaMin: c.double("qsm.beta_min"), betaMax: c.double("qsm.beta_max")),
                temperature: c.float("qsm.temperature"), clip: c.optionalFloat("qsm.clip"),
                gradientScale: c.float("qsm.gradient_scale"), targetNoise: c.float("qsm.target_noise"),
                explorationNoise: c.float("qsm.exploration_noise")), rng: &rng)
        case "dqs":
            return DQSAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("actor.max_grad_norm"), steps: c.int("dqs.steps"),
                schedule: VESchedule(sigmaMin: c.double("dqs.sigma_min"), sigmaMax: c.double("dqs.sigma_max")),
                diffusionScale: c.float("dqs.diffusion_scale"), samples: c.int("dqs.posterior_samples"),
                weightOffset: c.float("dqs.weight_offset"), temperatureInitial: c.float("dqs.temperature"),
                temperatureFinal: c.float("dqs.temperature_final"), temperatureSteps: c.int("dqs.temperature_steps")),
                rng: &rng)
        default:
            return RFMAgent(observationSize: observationSize, actionSize: actionSize, settings: .init(
                critic: criticSettings(c), actorWidth: c.int("actor.hidden"), actorBlocks: c.int("actor.blocks"),
                embeddingSize: c.int("actor.embedding"), actorLearningRate: c.float("actor.lr"),
                actorMaxGradNorm: c.optionalFloat("actor.max_grad_norm"), flowSteps: c.int("rfm.flow_steps"),
                integrator: FlowPolicy.Integrator(rawValue: c.string("rfm.integrator"))!, tMin: c.float("rfm.t_min"),
                posteriorSamples: c.int("rfm.posterior_samples"), controlVariate: controlVariate(c),
                trainingParticles: c.int("rfm.particles_train"), actingParticles: c.int("rfm.particles_act"),
                evaluationParticles: c.int("rfm.particles_eval"), temperatureInitial: c.float("rfm.temperature"),
                temperatureFinal: c.float("rfm.temperature_final"), temperatureSteps: c.int("rfm.temperature_steps")),
                rng: &rng)
        }
    }
}

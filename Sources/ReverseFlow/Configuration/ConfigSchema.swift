/// The configuration keys, their types and their valid ranges. Values live only in the preset
/// files (`Presets/*.yaml`); this table holds none, so no constant hides in code.
public enum ConfigSchema {
    /// The type and the admissible values of one key.
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        /// A number in range, or null (disabled).
        case optionalNumber(ClosedRange<Double>)
        case choice([String])
        case text
    }

    public struct Key: Sendable {
        public let name: String
        public let kind: Kind
        public let help: String
    }

    static let positive = 1...Int.max
    static let nonNegative = 0...Int.max

    public static let keys: [Key] = [
        Key(name: "seed", kind: .integer(nonNegative), help: "random seed of the run"),
        Key(name: "agent", kind: .choice(["rfm", "sac", "qsm", "dqs"]), help: "the learning agent"),
        Key(name: "env", kind: .text, help: "environment name (rfm env list)"),
        Key(name: "trainer.steps", kind: .integer(positive), help: "environment steps of the run"),
        Key(name: "trainer.warmup", kind: .integer(nonNegative), help: "uniform random actions before the first update"),
        Key(name: "trainer.replay_size", kind: .integer(positive), help: "replay buffer capacity"),
        Key(name: "trainer.batch_size", kind: .integer(positive), help: "transitions per update"),
        Key(name: "trainer.updates_per_step", kind: .integer(positive), help: "updates per environment step after warm-up"),
        Key(name: "trainer.eval_interval", kind: .integer(positive), help: "environment steps between evaluations"),
        Key(name: "trainer.eval_episodes", kind: .integer(positive), help: "episodes per evaluation"),
        Key(name: "trainer.log_interval", kind: .integer(positive), help: "environment steps between training-metric rows"),
        Key(name: "trainer.checkpoint_interval", kind: .integer(positive), help: "environment steps between checkpoints"),
        Key(name: "critic.hidden", kind: .integer(positive), help: "critic layer width"),
        Key(name: "critic.layers", kind: .integer(positive), help: "critic hidden layers"),
        Key(name: "critic.lr", kind: .number(1e-8...1), help: "critic Adam learning rate"),
        Key(name: "critic.max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "critic gradient-norm clip (null: none)"),
        Key(name: "critic.discount", kind: .number(0...1), help: "discount γ"),
        Key(name: "critic.tau", kind: .number(0...1), help: "Polyak rate of the target critics"),
        Key(name: "actor.hidden", kind: .integer(positive), help: "actor network width"),
        Key(name: "actor.blocks", kind: .integer(nonNegative), help: "residual GELU blocks of the actor"),
        Key(name: "actor.embedding", kind: .integer(4...4096), help: "sinusoidal embedding width (even)"),
        Key(name: "actor.lr", kind: .number(1e-8...1), help: "actor Adam learning rate"),
        Key(name: "actor.max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "actor gradient-norm clip (null: none)"),
        Key(name: "rfm.temperature", kind: .number(1e-8...1e6), help: "Boltzmann temperature λ"),
        Key(name: "rfm.temperature_final", kind: .number(1e-8...1e6), help: "λ at the end of the annealing"),
        Key(name: "rfm.temperature_steps", kind: .integer(positive), help: "updates over which λ is annealed"),
        Key(name: "rfm.flow_steps", kind: .integer(positive), help: "flow integration steps"),
        Key(name: "rfm.integrator", kind: .choice(["euler", "heun"]), help: "flow ODE integrator"),
        Key(name: "rfm.t_min", kind: .number(0...0.49), help: "time margin at both ends of the flow"),
        Key(name: "rfm.posterior_samples", kind: .integer(positive), help: "posterior samples K"),
        Key(name: "rfm.particles_train", kind: .integer(positive), help: "particles for endpoints and next actions"),
        Key(name: "rfm.particles_act", kind: .integer(positive), help: "particles when acting"),
        Key(name: "rfm.particles_eval", kind: .integer(positive), help: "particles when evaluating"),
        Key(name: "rfm.estimator", kind: .choice(["optimal", "noise", "gradient", "fixed"]), help: "control-variate coefficient rule"),
        Key(name: "rfm.cv_fixed", kind: .number(-1e6...1e6), help: "coefficient of the fixed rule"),
        Key(name: "rfm.cv_ridge", kind: .number(0...1e6), help: "ridge of the optimal coefficient"),
        Key(name: "rfm.cv_clip", kind: .number(0...1e6), help: "clip of the optimal coefficient"),
        Key(name: "sac.alpha_lr", kind: .number(1e-8...1), help: "SAC temperature learning rate"),
        Key(name: "sac.log_std_min", kind: .number(-100...100), help: "SAC lower clip of log σ"),
        Key(name: "sac.log_std_max", kind: .number(-100...100), help: "SAC upper clip of log σ"),
        Key(name: "qsm.steps", kind: .integer(positive), help: "QSM diffusion steps N"),
        Key(name: "qsm.schedule", kind: .choice(["vp"]), help: "QSM noise schedule"),
        Key(name: "qsm.beta_min", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 0"),
        Key(name: "qsm.beta_max", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 1"),
        Key(name: "qsm.temperature", kind: .number(0...1e6), help: "QSM DDPM temperature (noise scale of the sampler)"),
        Key(name: "qsm.clip", kind: .optionalNumber(1e-8...1e6), help: "QSM clip of each sampler step to [−c, c] (null: none)"),
        Key(name: "qsm.gradient_scale", kind: .number(0...1e6), help: "QSM scale of ∇ₐQ in the regression target"),
        Key(name: "qsm.target_noise", kind: .number(0...1e3), help: "QSM noise std added to next actions"),
        Key(name: "qsm.exploration_noise", kind: .number(0...1e3), help: "QSM noise std added to actions when acting"),
        Key(name: "dqs.steps", kind: .integer(positive), help: "DQS Euler–Maruyama steps N"),
        Key(name: "dqs.sigma_min", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_min"),
        Key(name: "dqs.sigma_max", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_max"),
        Key(name: "dqs.temperature", kind: .number(1e-8...1e6), help: "DQS Boltzmann temperature λ"),
        Key(name: "dqs.temperature_final", kind: .number(1e-8...1e6), help: "DQS λ at the end of the annealing"),
        Key(name: "dqs.temperature_steps", kind: .integer(positive), help: "DQS updates over which λ is annealed"),
        Key(name: "dqs.diffusion_scale", kind: .number(0...1e3), help: "DQS sampler noise scale when acting"),
        Key(name: "dqs.posterior_samples", kind: .integer(positive), help: "DQS samples K of the score estimate"),
        Key(name: "dqs.weight_offset", kind: .number(0...1e6), help: "DQS loss weight offset: weight h(t) + offset"),
    ]

    static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
}

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
        /// `true` or `false`.
        case boolean
        /// `true`, `false`, or null (the default of whatever reads it).
        case optionalBool
        /// A JSON object of free-form keys (kept as its canonical JSON text). Given as JSON text,
        /// as a YAML mapping, or key by key as `NAME.KEY` (`--set gym.kwargs.ctrl_cost_weight=0.1`).
        case jsonObject
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
        Key(name: "agent", kind: .choice(AgentKind.allCases.map(\.rawValue)), help: "the learning agent"),
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
        Key(name: "trainer.tensorboard", kind: .boolean, help: "also write TensorBoard event files (RUN/tb/) of the metric rows"),
        Key(name: "trainer.video_interval", kind: .integer(nonNegative), help: "environment steps between video.gif clips of the policy, taken at evaluations (0: none)"),
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
        Key(name: "rfm.policy", kind: .choice(["flow", "diffusion"]), help: "policy family: the flow, or a diffusion trained the same way"),
        Key(name: "rfm.diffusion_steps", kind: .integer(positive), help: "diffusion policy: reverse steps"),
        Key(name: "rfm.diffusion_schedule", kind: .choice(["cosine", "vp"]), help: "diffusion policy: noise schedule"),
        Key(name: "rfm.diffusion_sampler", kind: .choice(["ddpm", "ddim"]), help: "diffusion policy: sampler"),
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
        Key(name: "sac.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "SAC actor gradient clip (null: none)"),
        Key(name: "sac.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "SAC critic gradient clip (null: none)"),
        Key(name: "qsm.steps", kind: .integer(positive), help: "QSM diffusion steps N"),
        Key(name: "qsm.schedule", kind: .choice(["vp"]), help: "QSM noise schedule"),
        Key(name: "qsm.beta_min", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 0"),
        Key(name: "qsm.beta_max", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 1"),
        Key(name: "qsm.temperature", kind: .number(0...1e6), help: "QSM DDPM temperature (noise scale of the sampler)"),
        Key(name: "qsm.clip", kind: .optionalNumber(1e-8...1e6), help: "QSM clip of each sampler step to [−c, c] (null: none)"),
        Key(name: "qsm.gradient_scale", kind: .number(0...1e6), help: "QSM scale of ∇ₐQ in the regression target"),
        Key(name: "qsm.target_noise", kind: .number(0...1e3), help: "QSM noise std added to next actions"),
        Key(name: "qsm.exploration_noise", kind: .number(0...1e3), help: "QSM noise std added to actions when acting"),
        Key(name: "qsm.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "QSM actor gradient clip (null: none)"),
        Key(name: "qsm.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "QSM critic gradient clip (null: none)"),
        Key(name: "dqs.steps", kind: .integer(positive), help: "DQS Euler–Maruyama steps N"),
        Key(name: "dqs.sigma_min", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_min"),
        Key(name: "dqs.sigma_max", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_max"),
        Key(name: "dqs.temperature", kind: .number(1e-8...1e6), help: "DQS Boltzmann temperature λ"),
        Key(name: "dqs.temperature_final", kind: .number(1e-8...1e6), help: "DQS λ at the end of the annealing"),
        Key(name: "dqs.temperature_steps", kind: .integer(positive), help: "DQS updates over which λ is annealed"),
        Key(name: "dqs.diffusion_scale", kind: .number(0...1e3), help: "DQS sampler noise scale when acting"),
        Key(name: "dqs.posterior_samples", kind: .integer(positive), help: "DQS samples K of the score estimate"),
        Key(name: "dqs.weight_offset", kind: .number(0...1e6), help: "DQS loss weight offset: weight h(t) + offset"),
        Key(name: "dqs.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "DQS actor gradient clip (null: none)"),
        Key(name: "dqs.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "DQS critic gradient clip (null: none)"),
        Key(name: "maxentdp.temperature", kind: .number(1e-8...1e6), help: "MaxEntDP temperature λ"),
        Key(name: "maxentdp.temperature_final", kind: .number(1e-8...1e6), help: "MaxEntDP λ at the end of the annealing"),
        Key(name: "maxentdp.temperature_steps", kind: .integer(positive), help: "MaxEntDP updates over which λ is annealed"),
        Key(name: "maxentdp.diffusion_steps", kind: .integer(positive), help: "MaxEntDP reverse diffusion steps"),
        Key(name: "maxentdp.t_min", kind: .number(0...0.99), help: "MaxEntDP start of the cosine time range"),
        Key(name: "maxentdp.t_max", kind: .optionalNumber(1e-6...1),
            help: "MaxEntDP end of the cosine time range (null: where the schedule's β reaches cosine_beta_max)"),
        Key(name: "maxentdp.cosine_beta_max", kind: .number(1e-6...1e9), help: "MaxEntDP β that fixes t_max when it is null"),
        Key(name: "maxentdp.posterior_samples", kind: .integer(positive), help: "MaxEntDP candidates of the noise-expectation target"),
        Key(name: "maxentdp.log_prob_samples", kind: .integer(positive), help: "MaxEntDP noise draws per point of the log-likelihood"),
        Key(name: "maxentdp.log_prob_steps", kind: .integer(positive), help: "MaxEntDP grid points of the log-likelihood"),
        Key(name: "maxentdp.eval_candidates", kind: .integer(positive), help: "MaxEntDP samples per state when evaluating (best Q)"),
        Key(name: "maxentdp.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "MaxEntDP actor gradient clip (null: none)"),
        Key(name: "maxentdp.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "MaxEntDP critic gradient clip (null: none)"),
        Key(name: "qvpo.diffusion_steps", kind: .integer(positive), help: "QVPO diffusion steps"),
        Key(name: "qvpo.noise_ratio", kind: .number(0...1e3), help: "QVPO scale of the sampler's noise"),
        Key(name: "qvpo.behavior_samples", kind: .integer(positive), help: "QVPO samples per state when acting (best Q)"),
        Key(name: "qvpo.target_samples", kind: .integer(positive), help: "QVPO target-policy samples per next state (best Q̄)"),
        Key(name: "qvpo.eval_samples", kind: .integer(positive), help: "QVPO samples per state when evaluating (best Q)"),
        Key(name: "qvpo.train_samples", kind: .integer(positive), help: "QVPO samples per state for the weighted loss"),
        Key(name: "qvpo.eps_greedy", kind: .number(0...1), help: "QVPO chance of acting with one raw sample"),
        Key(name: "qvpo.ema_mean", kind: .number(0...1), help: "QVPO EMA rate of the running Q mean (diagnostic)"),
        Key(name: "qvpo.ema_std", kind: .number(0...1), help: "QVPO EMA rate of the running Q std (diagnostic)"),
        Key(name: "qvpo.best_actions", kind: .choice(["sampled", "gradient"]),
            help: "QVPO behaviour actions: best of train_samples, or replay actions after action-gradient steps"),
        Key(name: "qvpo.action_lr", kind: .number(1e-8...1e3), help: "QVPO Adam rate of the action-gradient steps"),
        Key(name: "qvpo.action_gradient_steps", kind: .integer(nonNegative), help: "QVPO action-gradient steps"),
        Key(name: "qvpo.action_grad_norm_per_dim", kind: .number(0...1e6), help: "QVPO action-gradient clip per action dimension (0: none)"),
        Key(name: "qvpo.entropy_alpha", kind: .number(0...1e6), help: "QVPO weight of the uniform-action entropy rows (0: none)"),
        Key(name: "qvpo.entropy_samples", kind: .integer(positive), help: "QVPO uniform actions per state"),
        Key(name: "qvpo.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "QVPO actor gradient clip (null: none)"),
        Key(name: "qvpo.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "QVPO critic gradient clip (null: none)"),
        Key(name: "gym.forward_reward_weight", kind: .optionalNumber(-1e6...1e6),
            help: "Gymnasium v5 tasks: weight of the forward reward (null: the task's v5 default)"),
        Key(name: "gym.ctrl_cost_weight", kind: .optionalNumber(0...1e6),
            help: "Gymnasium v5 tasks: weight of the control cost (Reacher, Pusher: reward_control_weight; null: v5 default)"),
        Key(name: "gym.contact_cost_weight", kind: .optionalNumber(0...1e6),
            help: "Gymnasium v5 tasks: weight of the contact cost (HumanoidStandup: impact_cost_weight; null: v5 default)"),
        Key(name: "gym.healthy_reward", kind: .optionalNumber(-1e6...1e6),
            help: "Gymnasium v5 tasks: reward per healthy step (null: the task's v5 default)"),
        Key(name: "gym.reset_noise_scale", kind: .optionalNumber(0...1e3),
            help: "Gymnasium v5 tasks: scale of the initial-state noise (null: the task's v5 default)"),
        Key(name: "gym.terminate_when_unhealthy", kind: .optionalBool,
            help: "Gymnasium v5 tasks: end the episode when unhealthy (null: the v5 default, true)"),
        Key(name: "gym.python", kind: .text, help: "gym: environments: the Python interpreter that runs the worker"),
        Key(name: "gym.kwargs", kind: .jsonObject, help: "gym: environments: keyword arguments of gymnasium.make, as a JSON object"),
        Key(name: "gym.timeout", kind: .number(0.001...1e6), help: "gym: environments: seconds a reset or step may take before the worker counts as hung"),
    ]

    static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

    /// The ``Kind/jsonObject`` key that `name` sets one entry of (`gym.kwargs` for
    /// `gym.kwargs.ctrl_cost_weight`), or nil.
    static func objectKey(containing name: String) -> Key? {
        keys.first { $0.kind == .jsonObject && name.hasPrefix($0.name + ".") && name.count > $0.name.count + 1 }
    }
}

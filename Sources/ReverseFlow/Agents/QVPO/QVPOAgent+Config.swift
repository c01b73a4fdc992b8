/// QVPO in the ``AgentRegistry``: `agent: qvpo`, its `qvpo:` section, its metric columns.
extension QVPOAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "qvpo", agent: QVPOAgent.self,
        keys: [
            .init(name: "qvpo.diffusion_steps", kind: .integer(ConfigSchema.positive), help: "QVPO diffusion steps"),
            .init(name: "qvpo.noise_ratio", kind: .number(0...1e3), help: "QVPO scale of the sampler's noise"),
            .init(name: "qvpo.behavior_samples", kind: .integer(ConfigSchema.positive), help: "QVPO samples per state when acting (best Q)"),
            .init(name: "qvpo.target_samples", kind: .integer(ConfigSchema.positive), help: "QVPO target-policy samples per next state (best Q̄)"),
            .init(name: "qvpo.eval_samples", kind: .integer(ConfigSchema.positive), help: "QVPO samples per state when evaluating (best Q)"),
            .init(name: "qvpo.train_samples", kind: .integer(ConfigSchema.positive), help: "QVPO samples per state for the weighted loss"),
            .init(name: "qvpo.eps_greedy", kind: .number(0...1), help: "QVPO chance of acting with one raw sample"),
            .init(name: "qvpo.ema_mean", kind: .number(0...1), help: "QVPO EMA rate of the running Q mean (diagnostic)"),
            .init(name: "qvpo.ema_std", kind: .number(0...1), help: "QVPO EMA rate of the running Q std (diagnostic)"),
            .init(name: "qvpo.best_actions", kind: .choice(BestActions.allCases.map(\.rawValue)),
                  help: "QVPO behaviour actions: best of train_samples, or replay actions after action-gradient steps"),
            .init(name: "qvpo.action_lr", kind: .number(1e-8...1e3), help: "QVPO Adam rate of the action-gradient steps"),
            .init(name: "qvpo.action_gradient_steps", kind: .integer(ConfigSchema.nonNegative), help: "QVPO action-gradient steps"),
            .init(name: "qvpo.action_grad_norm_per_dim", kind: .number(0...1e6), help: "QVPO action-gradient clip per action dimension (0: none)"),
            .init(name: "qvpo.entropy_alpha", kind: .number(0...1e6), help: "QVPO weight of the uniform-action entropy rows (0: none)"),
            .init(name: "qvpo.entropy_samples", kind: .integer(ConfigSchema.positive), help: "QVPO uniform actions per state"),
        ] + NetworkSettings.clipKeys(of: "qvpo", label: "QVPO"),
        metricKeys: ["actor/weight_mean", "agent/running_q_mean", "agent/running_q_std"]
    )
}

extension QVPOAgent.BestActions: Decodable {}

extension QVPOAgent.Settings: Decodable {
    /// The shared networks with QVPO's own clips (and its Mish critic), and the `qvpo:` section;
    /// `actor.blocks` is the number of its policy's layers.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "qvpo", criticActivation: .mish)
        let q = try decoder.section("qvpo")
        self.init(networks: networks, diffusionSteps: try q["diffusion_steps"], noiseRatio: try q["noise_ratio"],
                  behaviorSamples: try q["behavior_samples"], targetSamples: try q["target_samples"],
                  evaluationSamples: try q["eval_samples"], trainingSamples: try q["train_samples"],
                  epsGreedy: try q["eps_greedy"], emaMean: try q["ema_mean"], emaStd: try q["ema_std"],
                  bestActions: try q["best_actions"], actionLearningRate: try q["action_lr"],
                  actionGradientSteps: try q["action_gradient_steps"], actionGradNormPerDimension: try q["action_grad_norm_per_dim"],
                  entropyAlpha: try q["entropy_alpha"], entropySamples: try q["entropy_samples"])
    }
}

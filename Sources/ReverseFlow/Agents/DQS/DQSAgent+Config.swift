/// DQS in the ``AgentRegistry``: `agent: dqs`, its `dqs:` section, its metric columns.
extension DQSAgent {
    public static let entry = AgentEntry(
        name: "dqs", settings: Settings.self,
        keys: [
            .init(name: "dqs.steps", kind: .integer(ConfigSchema.positive), help: "DQS Euler–Maruyama steps N"),
            .init(name: "dqs.sigma_min", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_min"),
            .init(name: "dqs.sigma_max", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_max"),
            .init(name: "dqs.temperature", kind: .number(1e-8...1e6), help: "DQS Boltzmann temperature λ"),
            .init(name: "dqs.temperature_final", kind: .number(1e-8...1e6), help: "DQS λ at the end of the annealing"),
            .init(name: "dqs.temperature_steps", kind: .integer(ConfigSchema.positive), help: "DQS updates over which λ is annealed"),
            .init(name: "dqs.diffusion_scale", kind: .number(0...1e3), help: "DQS sampler noise scale when acting"),
            .init(name: "dqs.posterior_samples", kind: .integer(ConfigSchema.positive), help: "DQS samples K of the score estimate"),
            .init(name: "dqs.weight_offset", kind: .number(0...1e6), help: "DQS loss weight offset: weight h(t) + offset"),
            .init(name: "dqs.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "DQS actor gradient clip (null: none)"),
            .init(name: "dqs.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "DQS critic gradient clip (null: none)"),
        ],
        metricKeys: ["estimator/ess", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
    ) { settings, observationSize, actionSize, rng in
        DQSAgent(observationSize: observationSize, actionSize: actionSize, settings: settings, rng: &rng)
    }
}

extension DQSAgent.Settings: Decodable {
    /// The shared networks with DQS's own clips, and the `dqs:` section; `sigma_min` must be
    /// below `sigma_max`.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "dqs"), dqs = try decoder.section("dqs")
        let sigmaMin: Double = try dqs["sigma_min"], sigmaMax: Double = try dqs["sigma_max"]
        guard sigmaMin < sigmaMax else {
            throw ConfigError("config key 'dqs.sigma_min' (\(sigmaMin)) must be below 'dqs.sigma_max' (\(sigmaMax))")
        }
        self.init(networks: networks, steps: try dqs["steps"], schedule: VESchedule(sigmaMin: sigmaMin, sigmaMax: sigmaMax),
                  diffusionScale: try dqs["diffusion_scale"], samples: try dqs["posterior_samples"],
                  weightOffset: try dqs["weight_offset"], temperatureInitial: try dqs["temperature"],
                  temperatureFinal: try dqs["temperature_final"], temperatureSteps: try dqs["temperature_steps"])
    }
}

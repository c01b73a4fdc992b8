/// DQS in the ``AgentRegistry``: `agent: dqs`, its `dqs:` section, its metric columns.
extension DQSAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "dqs", agent: DQSAgent.self,
        keys: [
            .init(name: "dqs.steps", kind: .integer(ConfigSchema.positive), help: "DQS Euler–Maruyama steps N"),
            .init(name: "dqs.sigma_min", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_min"),
            .init(name: "dqs.sigma_max", kind: .number(1e-12...1e6), help: "DQS VE schedule σ_max"),
        ] + TemperatureSchedule.keys(of: "dqs", label: "DQS") + [
            .init(name: "dqs.diffusion_scale", kind: .number(0...1e3), help: "DQS sampler noise scale when acting"),
            .init(name: "dqs.posterior_samples", kind: .integer(ConfigSchema.positive), help: "DQS samples K of the score estimate"),
            .init(name: "dqs.weight_offset", kind: .number(0...1e6), help: "DQS loss weight offset: weight h(t) + offset"),
        ] + NetworkSettings.clipKeys(of: "dqs", label: "DQS"),
        metricKeys: ["estimator/ess", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
    )
}

extension DQSAgent.Settings: Decodable {
    /// The shared networks with DQS's own clips, and the `dqs:` section; `sigma_min` must be
    /// below `sigma_max`.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "dqs"), dqs = try decoder.section("dqs")
        let (sigmaMin, sigmaMax) = try dqs.orderedPair("sigma_min", "sigma_max")
        self.init(networks: networks, steps: try dqs["steps"], schedule: VESchedule(sigmaMin: sigmaMin, sigmaMax: sigmaMax),
                  diffusionScale: try dqs["diffusion_scale"], samples: try dqs["posterior_samples"],
                  weightOffset: try dqs["weight_offset"], temperatureInitial: try dqs["temperature"],
                  temperatureFinal: try dqs["temperature_final"], temperatureSteps: try dqs["temperature_steps"])
    }
}

/// QSM in the ``AgentRegistry``: `agent: qsm`, its `qsm:` section, its metric columns.
extension QSMAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "qsm", agent: QSMAgent.self,
        keys: [
            .init(name: "qsm.steps", kind: .integer(ConfigSchema.positive), help: "QSM diffusion steps N"),
            .init(name: "qsm.schedule", kind: .choice(["vp"]), help: "QSM noise schedule"),
            .init(name: "qsm.beta_min", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 0"),
            .init(name: "qsm.beta_max", kind: .number(0...1e3), help: "QSM VP schedule: β at u = 1"),
            .init(name: "qsm.temperature", kind: .number(0...1e6), help: "QSM DDPM temperature (noise scale of the sampler)"),
            .init(name: "qsm.clip", kind: .optionalNumber(1e-8...1e6), help: "QSM clip of each sampler step to [−c, c] (null: none)"),
            .init(name: "qsm.gradient_scale", kind: .number(0...1e6), help: "QSM scale of ∇ₐQ in the regression target"),
            .init(name: "qsm.target_noise", kind: .number(0...1e3), help: "QSM noise std added to next actions"),
            .init(name: "qsm.exploration_noise", kind: .number(0...1e3), help: "QSM noise std added to actions when acting"),
        ] + NetworkSettings.clipKeys(of: "qsm", label: "QSM"),
        metricKeys: ["actor/target_rms", "agent/temperature"]
    )
}

extension QSMAgent.Settings: Decodable {
    /// The shared networks with QSM's own clips, and the `qsm:` section (`schedule` has the one
    /// choice `vp`, with `beta_min` and `beta_max`).
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "qsm"), qsm = try decoder.section("qsm")
        let family: String = try qsm["schedule"]
        guard family == "vp" else { throw ConfigError("config key 'qsm.schedule' must be vp, got '\(family)'") }
        self.init(networks: networks, steps: try qsm["steps"], schedule: .vp(betaMin: try qsm["beta_min"], betaMax: try qsm["beta_max"]),
                  temperature: try qsm["temperature"], clip: try qsm["clip"], gradientScale: try qsm["gradient_scale"],
                  targetNoise: try qsm["target_noise"], explorationNoise: try qsm["exploration_noise"])
    }
}

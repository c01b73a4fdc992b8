/// SAC in the ``AgentRegistry``: `agent: sac`, its `sac:` section, its metric columns.
extension SACAgent {
    public static let entry = AgentEntry(
        name: "sac", settings: Settings.self,
        keys: [
            .init(name: "sac.alpha_lr", kind: .number(1e-8...1), help: "SAC temperature learning rate"),
            .init(name: "sac.log_std_min", kind: .number(-100...100), help: "SAC lower clip of log σ"),
            .init(name: "sac.log_std_max", kind: .number(-100...100), help: "SAC upper clip of log σ"),
            .init(name: "sac.actor_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "SAC actor gradient clip (null: none)"),
            .init(name: "sac.critic_max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "SAC critic gradient clip (null: none)"),
        ],
        metricKeys: ["actor/entropy", "agent/alpha"]
    ) { settings, observationSize, actionSize, rng in
        SACAgent(observationSize: observationSize, actionSize: actionSize, settings: settings, rng: &rng)
    }
}

extension SACAgent.Settings: Decodable {
    /// The shared networks with SAC's own clips, and the `sac:` section; `log_std_min` must be
    /// below `log_std_max`.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "sac"), sac = try decoder.section("sac")
        let logStdMin: Double = try sac["log_std_min"], logStdMax: Double = try sac["log_std_max"]
        guard logStdMin < logStdMax else {
            throw ConfigError("config key 'sac.log_std_min' (\(logStdMin)) must be below 'sac.log_std_max' (\(logStdMax))")
        }
        self.init(critic: networks.critic, actorWidth: networks.actorWidth, actorBlocks: networks.actorBlocks,
                  actorLearningRate: networks.actorLearningRate, actorMaxGradNorm: networks.actorMaxGradNorm,
                  alphaLearningRate: try sac["alpha_lr"], logStdMin: Float(logStdMin), logStdMax: Float(logStdMax))
    }
}

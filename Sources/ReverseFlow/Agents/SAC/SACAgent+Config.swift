/// SAC in the ``AgentRegistry``: `agent: sac`, its `sac:` section, its metric columns.
extension SACAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "sac", agent: SACAgent.self,
        keys: [
            .init(name: "sac.alpha_lr", kind: .number(1e-8...1), help: "SAC temperature learning rate"),
            .init(name: "sac.log_std_min", kind: .number(-100...100), help: "SAC lower clip of log σ"),
            .init(name: "sac.log_std_max", kind: .number(-100...100), help: "SAC upper clip of log σ"),
        ] + NetworkSettings.clipKeys(of: "sac", label: "SAC"),
        metricKeys: ["actor/entropy", "agent/alpha"]
    )
}

extension SACAgent.Settings: Decodable {
    /// The shared networks with SAC's own clips, and the `sac:` section; `log_std_min` must be
    /// below `log_std_max`.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "sac"), sac = try decoder.section("sac")
        let (logStdMin, logStdMax) = try sac.orderedPair("log_std_min", "log_std_max")
        self.init(critic: networks.critic, actorWidth: networks.actorWidth, actorBlocks: networks.actorBlocks,
                  actorLearningRate: networks.actorLearningRate, actorMaxGradNorm: networks.actorMaxGradNorm,
                  alphaLearningRate: try sac["alpha_lr"], logStdMin: Float(logStdMin), logStdMax: Float(logStdMax))
    }
}

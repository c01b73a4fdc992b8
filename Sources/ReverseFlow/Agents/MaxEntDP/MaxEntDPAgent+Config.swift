/// MaxEntDP in the ``AgentRegistry``: `agent: maxentdp`, its `maxentdp:` section, its metric
/// columns.
extension MaxEntDPAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "maxentdp", agent: MaxEntDPAgent.self,
        keys: TemperatureSchedule.keys(of: "maxentdp", label: "MaxEntDP") + [
            .init(name: "maxentdp.diffusion_steps", kind: .integer(ConfigSchema.positive), help: "MaxEntDP reverse diffusion steps"),
            .init(name: "maxentdp.t_min", kind: .number(0...0.99), help: "MaxEntDP start of the cosine time range"),
            .init(name: "maxentdp.t_max", kind: .optionalNumber(1e-6...1),
                  help: "MaxEntDP end of the cosine time range (null: where the schedule's β reaches cosine_beta_max)"),
            .init(name: "maxentdp.cosine_beta_max", kind: .number(1e-6...1e9), help: "MaxEntDP β that fixes t_max when it is null"),
            .init(name: "maxentdp.posterior_samples", kind: .integer(ConfigSchema.positive), help: "MaxEntDP candidates of the noise-expectation target"),
            .init(name: "maxentdp.log_prob_samples", kind: .integer(ConfigSchema.positive), help: "MaxEntDP noise draws per point of the log-likelihood"),
            .init(name: "maxentdp.log_prob_steps", kind: .integer(ConfigSchema.positive), help: "MaxEntDP grid points of the log-likelihood"),
            .init(name: "maxentdp.eval_candidates", kind: .integer(ConfigSchema.positive), help: "MaxEntDP samples per state when evaluating (best Q)"),
        ] + NetworkSettings.clipKeys(of: "maxentdp", label: "MaxEntDP"),
        metricKeys: ["estimator/ess", "estimator/q_mean", "actor/log_prob", "agent/temperature"]
    )
}

extension MaxEntDPAgent.Settings: Decodable {
    /// The shared networks with MaxEntDP's own clips, and the `maxentdp:` section. A null `t_max`
    /// is where the cosine schedule's β reaches `cosine_beta_max` (the reference's `_cosine_t_max`);
    /// a given one is read as a `Float`, as the reference's config holds it.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder, clipsOf: "maxentdp"), m = try decoder.section("maxentdp")
        let givenTMax: Float? = try m["t_max"], betaMax: Double = try m["cosine_beta_max"]
        self.init(networks: networks, diffusionSteps: try m["diffusion_steps"], tMin: try m["t_min"],
                  tMax: givenTMax.map(Double.init) ?? CosineDiffusionGrid.defaultTMax(betaMax: betaMax),
                  posteriorSamples: try m["posterior_samples"], logProbSamples: try m["log_prob_samples"],
                  logProbSteps: try m["log_prob_steps"], evaluationCandidates: try m["eval_candidates"],
                  temperatureInitial: try m["temperature"], temperatureFinal: try m["temperature_final"],
                  temperatureSteps: try m["temperature_steps"])
    }
}

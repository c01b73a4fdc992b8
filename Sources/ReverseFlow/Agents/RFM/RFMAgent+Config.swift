/// RFM in the ``AgentRegistry``: `agent: rfm`, its `rfm:` section, its metric columns.
extension RFMAgent: ConfigurableAgent {
    public static let entry = AgentEntry(
        name: "rfm", agent: RFMAgent.self,
        keys: TemperatureSchedule.keys(of: "rfm") + [
            .init(name: "rfm.flow_steps", kind: .integer(ConfigSchema.positive), help: "flow integration steps"),
            .init(name: "rfm.integrator", kind: .choice(FlowPolicy.Integrator.allCases.map(\.rawValue)), help: "flow ODE integrator"),
            .init(name: "rfm.t_min", kind: .number(0...0.49), help: "time margin at both ends of the flow"),
            .init(name: "rfm.policy", kind: .choice(["flow", "diffusion"]), help: "policy family: the flow, or a diffusion trained the same way"),
            .init(name: "rfm.diffusion_steps", kind: .integer(ConfigSchema.positive), help: "diffusion policy: reverse steps"),
            .init(name: "rfm.diffusion_schedule", kind: .choice(["cosine", "vp"]), help: "diffusion policy: noise schedule"),
            .init(name: "rfm.diffusion_sampler", kind: .choice(DiffusionPolicy.Sampler.allCases.map(\.rawValue)),
                  help: "diffusion policy: sampler"),
            .init(name: "rfm.posterior_samples", kind: .integer(ConfigSchema.positive), help: "posterior samples K"),
            .init(name: "rfm.particles_train", kind: .integer(ConfigSchema.positive), help: "particles for endpoints and next actions"),
            .init(name: "rfm.particles_act", kind: .integer(ConfigSchema.positive), help: "particles when acting"),
            .init(name: "rfm.particles_eval", kind: .integer(ConfigSchema.positive), help: "particles when evaluating"),
            .init(name: "rfm.estimator", kind: .choice(["optimal", "noise", "gradient", "fixed"]), help: "control-variate coefficient rule"),
            .init(name: "rfm.cv_fixed", kind: .number(-1e6...1e6), help: "coefficient of the fixed rule"),
            .init(name: "rfm.cv_ridge", kind: .number(0...1e6), help: "ridge of the optimal coefficient"),
            .init(name: "rfm.cv_clip", kind: .number(0...1e6), help: "clip of the optimal coefficient"),
        ],
        metricKeys: ["estimator/ess", "estimator/coefficient", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
    )
}

extension FlowPolicy.Integrator: Decodable {}
extension DiffusionPolicy.Sampler: Decodable {}

extension RFMAgent.Settings: Decodable {
    /// The shared networks (RFM uses their clips, `critic.max_grad_norm` and
    /// `actor.max_grad_norm`) and the `rfm:` section. `estimator` with `cv_*` gives the control
    /// variate; `policy: diffusion` with `diffusion_*` replaces the flow by a diffusion policy.
    public init(from decoder: Decoder) throws {
        let networks = try NetworkSettings(from: decoder), rfm = try decoder.section("rfm")
        let policy: String = try rfm["policy"], schedule: String = try rfm["diffusion_schedule"]
        let diffusion = DiffusionPolicy.Settings(steps: try rfm["diffusion_steps"], schedule: schedule == "vp" ? .vp() : .cosine(),
                                                 sampler: try rfm["diffusion_sampler"], squash: true)
        let estimator: String = try rfm["estimator"]
        let fixed: Float = try rfm["cv_fixed"], ridge: Float = try rfm["cv_ridge"], clip: Float = try rfm["cv_clip"]
        let controlVariate: ControlVariate = switch estimator {
        case "noise": .noise
        case "gradient": .gradient
        case "fixed": .fixed(fixed)
        default: .optimal(ridge: ridge, clip: clip)
        }
        self.init(networks: networks, flowSteps: try rfm["flow_steps"], integrator: try rfm["integrator"],
                  tMin: try rfm["t_min"], posteriorSamples: try rfm["posterior_samples"], controlVariate: controlVariate,
                  trainingParticles: try rfm["particles_train"], actingParticles: try rfm["particles_act"],
                  evaluationParticles: try rfm["particles_eval"], temperatureInitial: try rfm["temperature"],
                  temperatureFinal: try rfm["temperature_final"], temperatureSteps: try rfm["temperature_steps"],
                  diffusion: policy == "diffusion" ? diffusion : nil)
    }
}

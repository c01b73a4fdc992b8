/// The agents a run can train, by their name in the config key `agent`: the one list of them.
/// ``AgentFactory`` builds each (an exhaustive switch, so a new case cannot silently build
/// another agent), the config schema and `rfm train --agent` take these names, the metric logs
/// take each agent's columns from ``metricKeys``, and saved runs fill other agents' sections.
public enum AgentKind: String, CaseIterable, Sendable {
    case rfm, sac, qsm, maxentdp, dqs, qvpo

    /// The kind a configuration names (the schema has already checked it is one of these).
    public init(_ config: RunConfig) {
        guard let kind = AgentKind(rawValue: config.string("agent")) else {
            preconditionFailure("config key 'agent' holds '\(config.string("agent"))', which the schema should have refused")
        }
        self = kind
    }

    /// The agent's own metric keys, after the trainer's and the critic's (the columns of
    /// `metrics.csv`; a key an update returns but this list lacks reaches `metrics.jsonl` only).
    public var metricKeys: [String] {
        switch self {
        case .rfm: ["estimator/ess", "estimator/coefficient", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
        case .sac: ["actor/entropy", "agent/alpha"]
        case .qsm: ["actor/target_rms", "agent/temperature"]
        case .dqs: ["estimator/ess", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
        case .maxentdp: ["estimator/ess", "estimator/q_mean", "actor/log_prob", "agent/temperature"]
        case .qvpo: ["actor/weight_mean", "agent/running_q_mean", "agent/running_q_std"]
        }
    }

    /// Whether every kernel of the agent has a device implementation (all of them today).
    public var runsOnDevices: Bool { true }
}

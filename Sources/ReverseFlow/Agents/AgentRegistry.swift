import TensorCore

/// The agents a run can train: the one list of them.
///
/// The config key `agent` and `rfm train --agent` take their names, validation decodes each
/// one's settings, the schema takes each one's section keys, the trainer takes each one's
/// metric columns, and a saved run fills the sections of agents other than its own. A new agent
/// is its own folder (the agent, its `Settings: Decodable`, its ``AgentEntry``) plus one line here.
public enum AgentRegistry {
    /// Every agent, in the order `--agent` lists them.
    public static let agents: [AgentEntry] = [
        RFMAgent.entry,
        SACAgent.entry,
        QSMAgent.entry,
        MaxEntDPAgent.entry,
        DQSAgent.entry,
        QVPOAgent.entry,
    ]

    /// The agents' names, in ``agents``' order.
    public static var names: [String] { agents.map(\.name) }

    /// The agent called `name`, or nil.
    public static func entry(named name: String) -> AgentEntry? { agents.first { $0.name == name } }

    /// The agent a validated configuration names (the schema has already checked the name).
    public static func entry(for config: RunConfig) -> AgentEntry {
        guard let entry = entry(named: config.string("agent")) else {
            preconditionFailure("config key 'agent' holds '\(config.string("agent"))', which the schema should have refused")
        }
        return entry
    }

    /// Builds the agent a validated configuration names, with its settings decoded from it.
    public static func make(_ config: RunConfig, observationSize: Int, actionSize: Int, rng: inout RandomStream) -> Agent {
        entry(for: config).make(config, observationSize: observationSize, actionSize: actionSize, rng: &rng)
    }

    /// The agents' section keys in the order `config.yaml` writes them: the registry's order, but
    /// with DQS's section before MaxEntDP's, where every run folder so far has it (so that
    /// `config.yaml` stays byte for byte what earlier versions wrote). A new agent's section
    /// comes last.
    static var sectionKeys: [ConfigSchema.Key] {
        var order = agents
        if let dqs = order.firstIndex(where: { $0.name == "dqs" }), let maxentdp = order.firstIndex(where: { $0.name == "maxentdp" }),
           dqs > maxentdp {
            order.swapAt(dqs, maxentdp)
        }
        return order.flatMap(\.keys)
    }
}

/// The agents a run can train, by their name in the config key `agent` (``AgentFactory`` builds
/// them; `rfm train --agent` and the config schema take these names).
public enum AgentKind: String, CaseIterable, Sendable {
    case rfm, sac, qsm, maxentdp, dqs, qvpo
}

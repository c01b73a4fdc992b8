import NeuralNet
import TensorCore

/// The state every actor–critic agent here saves: the actor network, its optimiser's moments and
/// step count, the twin critic (online, target, optimisers), plus named agent scalars. Agents
/// build their ``Agent/stateTensors`` and scalars from it so the names stay uniform.
public enum ActorCriticState {
    /// `actor.*`, `actor_optimizer.{m,v}.*`, then the critic's tensors; `extra` goes before the critic.
    public static func tensors(actor: some ParameterContainer, optimizer: Adam, critic: TwinCritic,
                               extra: ParameterList = ParameterList(names: [], tensors: [])) -> ParameterList {
        ParameterList(actor, prefix: "actor") + extra + optimizer.stateTensors(prefix: "actor_optimizer") + critic.stateTensors
    }

    /// The critic's scalars, `actor_optimizer.steps`, and `agent` (keys without prefix, e.g.
    /// `updates` → `agent.updates`).
    public static func scalars(optimizer: Adam, critic: TwinCritic, agent: [String: Double] = [:]) -> [String: Double] {
        var s = critic.stateScalars
        s["actor_optimizer.steps"] = Double(optimizer.stepCount)
        for (k, v) in agent { s["agent.\(k)"] = v }
        return s
    }

    /// The scalars of an agent whose own state is its update count: `agent.updates` besides
    /// those of ``scalars(optimizer:critic:agent:)``.
    public static func scalars(optimizer: Adam, critic: TwinCritic, updates: Int) -> [String: Double] {
        scalars(optimizer: optimizer, critic: critic, agent: ["updates": Double(updates)])
    }

    /// Restores what ``scalars(optimizer:critic:updates:)`` saved and returns the update count.
    public static func restoreUpdates(_ s: [String: Double], optimizer: Adam, critic: TwinCritic) throws -> Int {
        Int(try restore(s, optimizer: optimizer, critic: critic, agentKeys: ["updates"])["updates"]!)
    }

    /// Restores what ``scalars(optimizer:critic:agent:)`` saved and returns the agent's own
    /// values for `agentKeys`; a missing key is an error naming it.
    @discardableResult
    public static func restore(_ s: [String: Double], optimizer: Adam, critic: TwinCritic, agentKeys: [String] = []) throws -> [String: Double] {
        try critic.restoreScalars(s)
        guard let steps = s["actor_optimizer.steps"] else { throw CheckpointStateError.invalid("missing actor_optimizer.steps") }
        optimizer.stepCount = Int(steps)
        var values: [String: Double] = [:]
        for k in agentKeys {
            guard let v = s["agent.\(k)"] else { throw CheckpointStateError.invalid("missing agent.\(k)") }
            values[k] = v
        }
        return values
    }
}

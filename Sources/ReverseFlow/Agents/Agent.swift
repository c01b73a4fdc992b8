import NeuralNet
import TensorCore

/// Scalar training metrics by namespaced key (`critic/loss`, `actor/loss`, `estimator/ess`, …).
public typealias Metrics = [String: Double]

/// An online RL agent: it acts, and it learns from replayed batches.
///
/// Actions are in `[−1, 1]^d`. Randomness is passed in. Everything a run needs to resume exactly
/// is exposed as named tensors (networks, targets, optimiser moments) plus named scalars.
public protocol Agent: AnyObject {
    /// Actions `[B, d]` for observations `[B, S]`: exploratory when training, the agent's
    /// evaluation rule when `deterministic`. The result is owned by the agent until its next call.
    func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor

    /// One update on a batch; returns its metrics.
    func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics

    /// Every tensor of the agent's state, with stable dotted names.
    var stateTensors: ParameterList { get }
    /// Every scalar of the agent's state (optimiser step counts, counters, temperatures).
    var stateScalars: [String: Double] { get }
    /// Restores scalars saved from ``stateScalars`` (tensors are loaded in place by name).
    func restoreScalars(_ scalars: [String: Double]) throws
}

extension Adam {
    /// The optimiser's moments as named tensors under `prefix` (`prefix.m.<name>`, `prefix.v.<name>`).
    public func stateTensors(prefix: String) -> ParameterList {
        ParameterList(names: firstMoment.names.map { "\(prefix).m.\($0)" }, tensors: firstMoment.tensors)
            + ParameterList(names: secondMoment.names.map { "\(prefix).v.\($0)" }, tensors: secondMoment.tensors)
    }
}

extension TwinCritic {
    /// Online and target critics and both optimisers' moments.
    public var stateTensors: ParameterList {
        var list = ParameterList(names: [], tensors: [])
        for i in 0..<2 {
            list = list + ParameterList(online[i], prefix: "critic.\(i)") + ParameterList(target[i], prefix: "critic_target.\(i)")
                + optimizers[i].stateTensors(prefix: "critic_optimizer.\(i)")
        }
        return list
    }

    public var stateScalars: [String: Double] {
        ["critic_optimizer.0.steps": Double(optimizers[0].stepCount), "critic_optimizer.1.steps": Double(optimizers[1].stepCount)]
    }

    public func restoreScalars(_ s: [String: Double]) throws {
        for i in 0..<2 {
            guard let steps = s["critic_optimizer.\(i).steps"] else {
                throw CheckpointStateError.invalid("missing critic_optimizer.\(i).steps")
            }
            optimizers[i].stepCount = Int(steps)
        }
    }
}

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

import NeuralNet

/// The twin critic's share of a checkpoint, under `critic.*`, `critic_target.*` and
/// `critic_optimizer.*` (``ActorCriticState`` puts it after the actor's).
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

    /// Both optimisers' step counts.
    public var stateScalars: [String: Double] {
        ["critic_optimizer.0.steps": Double(optimizers[0].stepCount), "critic_optimizer.1.steps": Double(optimizers[1].stepCount)]
    }

    /// Restores what ``stateScalars`` saved; a missing key is an error naming it.
    public func restoreScalars(_ s: [String: Double]) throws {
        for i in 0..<2 {
            guard let steps = s["critic_optimizer.\(i).steps"] else {
                throw CheckpointStateError.invalid("missing critic_optimizer.\(i).steps")
            }
            optimizers[i].stepCount = Int(steps)
        }
    }
}

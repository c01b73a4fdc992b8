import Foundation
import NeuralNet
import ReverseFlow
import TensorCore

/// Small shared pieces of the agent tests: a random batch, parameter snapshots, and a state copy.
enum AgentTestSupport {
    static let critic = TwinCritic.Settings(hidden: [16, 16], learningRate: 1e-3, maxGradNorm: 10, discount: 0.99, tau: 0.005)

    /// A batch of `size` random transitions (actions uniform in [−1, 1], some terminal).
    static func batch(size: Int = 8, observationSize: Int = 3, actionSize: Int = 2, seed: UInt64 = 7) -> ReplayBuffer.Batch {
        var rng = RandomStream(seed: seed)
        let b = ReplayBuffer.Batch(size: size, observationSize: observationSize, actionSize: actionSize)
        rng.fillNormal(b.observations)
        rng.fillNormal(b.nextObservations)
        rng.fillUniform(b.actions, low: -1, high: 1)
        rng.fillUniform(b.rewards, low: -1, high: 1)
        for i in 0..<size { b.masks[i] = i % 4 == 3 ? 0 : 1 }
        return b
    }

    static func snapshot(_ agent: Agent) -> [[Float]] { agent.stateTensors.tensors.map { $0.toArray() } }

    /// Copies every state tensor and scalar of `source` into `destination` (a checkpoint round trip in memory).
    static func copyState(from source: Agent, to destination: Agent) throws {
        let src = source.stateTensors, dst = destination.stateTensors
        precondition(src.names == dst.names, "agents' state names differ")
        for (a, b) in zip(src.tensors, dst.tensors) { b.assign(a) }
        try destination.restoreScalars(source.stateScalars)
    }

    /// The tiny Trainer configuration of the trainer tests, for another agent.
    static func tinyRun(_ agent: String, steps: Int = 300) throws -> RunConfig {
        try TrainerTests.tiny(agent, steps: steps).overriding(["dqs.posterior_samples=8"])
    }
}

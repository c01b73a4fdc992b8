import NeuralNet
import ReverseFlow
import TensorCore

/// Small agents and batches shared by the baseline agents' tests.
enum BaselineFixture {
    static let stateDim = 3, actionDim = 2

    /// The cpu preset shrunk to tiny networks and sample counts.
    static func config(_ agent: String, _ extra: [String] = []) throws -> RunConfig {
        try RunConfig.preset("cpu").overriding([
            "agent=\(agent)", "critic.hidden=16", "actor.hidden=16", "actor.embedding=8", "trainer.batch_size=8",
            "maxentdp.posterior_samples=16", "maxentdp.log_prob_samples=4", "maxentdp.log_prob_steps=5",
            "maxentdp.diffusion_steps=5", "maxentdp.eval_candidates=4",
            "qvpo.diffusion_steps=5", "qvpo.train_samples=6", "qvpo.eval_samples=4", "qvpo.entropy_samples=3",
            "qvpo.action_gradient_steps=4",
        ] + extra)
    }

    static func agent(_ config: RunConfig, seed: UInt64 = 1) -> Agent {
        var rng = RandomStream(seed: seed)
        return AgentRegistry.make(config, observationSize: stateDim, actionSize: actionDim, rng: &rng)
    }

    static func batch(size: Int = 8, seed: UInt64 = 2) -> ReplayBuffer.Batch {
        var rng = RandomStream(seed: seed)
        let b = ReplayBuffer.Batch(size: size, observationSize: stateDim, actionSize: actionDim)
        b.fillRandom(rng: &rng)
        return b
    }

    /// A copy of every state tensor's values, by name.
    static func snapshot(_ agent: Agent) -> [String: [Float]] {
        let list = agent.stateTensors
        return Dictionary(uniqueKeysWithValues: zip(list.names, list.tensors.map { $0.toArray() }))
    }
}

import Foundation
import Testing
import TensorCore
import ReverseFlow

/// RFM with a diffusion policy (`rfm.policy: diffusion`, method.md §6): the same agent, the same
/// posterior estimator, the diffusion's noise as the regression target.
@Suite("RFM with a diffusion policy")
struct RFMDiffusionTests {
    static func agent(_ sampler: String) throws -> RFMAgent {
        let cfg = try RunConfig.preset("cpu").overriding([
            "rfm.policy=diffusion", "rfm.diffusion_steps=6", "rfm.diffusion_sampler=\(sampler)",
            "critic.hidden=16", "actor.hidden=16", "actor.embedding=8", "rfm.posterior_samples=8",
            "rfm.particles_train=3", "rfm.particles_act=3", "rfm.particles_eval=3",
        ])
        var rng = RandomStream(seed: 3)
        return try #require(AgentRegistry.make(cfg, observationSize: 3, actionSize: 2, rng: &rng) as? RFMAgent)
    }

    @Test("Configured as a diffusion; one update moves the actor with finite metrics; evaluation is a function of the state",
          arguments: ["ddpm", "ddim"])
    func update(sampler: String) throws {
        let agent = try Self.agent(sampler)
        let diffusion = try #require(agent.policy as? DiffusionPolicy)
        #expect(diffusion.settings.steps == 6 && diffusion.settings.sampler.rawValue == sampler && diffusion.squash)
        var rng = RandomStream(seed: 8)
        let batch = ReplayBuffer(capacity: 64, observationSize: 3, actionSize: 2)
        for _ in 0 ..< 64 {
            let s = (0 ..< 3).map { _ in rng.normal() }, a = (0 ..< 2).map { _ in 2 * rng.uniform() - 1 }
            batch.add(observation: s, action: a, reward: rng.normal(), terminated: false, nextObservation: s.map { $0 + 0.1 })
        }
        let before = agent.stateTensors.tensors[0].toArray()
        let sample = ReplayBuffer.Batch(size: 16, observationSize: 3, actionSize: 2)
        batch.sample(into: sample, rng: &rng)
        let metrics = agent.update(batch: sample, rng: &rng)
        let finite = metrics.values.allSatisfy { $0.isFinite }
        #expect(finite, "\(metrics)")
        #expect(agent.stateTensors.tensors[0].toArray() != before, "the actor moved")
        let obs = Tensor(rows: 2, cols: 3)
        rng.fillNormal(obs)
        var r1 = RandomStream(seed: 1), r2 = RandomStream(seed: 2)
        let a1 = agent.act(observations: obs, deterministic: true, rng: &r1).toArray()
        let a2 = agent.act(observations: obs, deterministic: true, rng: &r2).toArray()
        #expect(a1 == a2, "evaluation does not depend on the caller's stream")
        #expect(a1.allSatisfy { abs($0) <= 1 })
    }
}

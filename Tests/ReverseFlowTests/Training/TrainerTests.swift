import Foundation
import NeuralNet
import ReverseFlow
import Testing

/// Short end-to-end runs of the trainer on Pendulum with tiny networks.
@Suite struct TrainerTests {
    /// `rfm-diffusion` is RFM with a diffusion policy (`rfm.policy=diffusion`).
    static func tiny(_ agent: String, steps: Int = 300) throws -> RunConfig {
        let diffusion = agent == "rfm-diffusion" ? ["rfm.policy=diffusion", "rfm.diffusion_steps=5"] : []
        return try RunConfig.preset("cpu").overriding(diffusion + [
            "agent=\(agent == "rfm-diffusion" ? "rfm" : agent)", "trainer.steps=\(steps)", "trainer.warmup=100", "trainer.batch_size=16",
            "trainer.eval_interval=150", "trainer.eval_episodes=2", "trainer.log_interval=50",
            "trainer.checkpoint_interval=100", "critic.hidden=16", "actor.hidden=16", "actor.embedding=8",
            "rfm.posterior_samples=8", "rfm.particles_train=3", "rfm.particles_act=3", "rfm.particles_eval=3",
            "maxentdp.posterior_samples=8", "maxentdp.log_prob_samples=4", "maxentdp.eval_candidates=4",
            "qvpo.train_samples=4", "qvpo.eval_samples=4",
        ])
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rfm-run-\(UUID().uuidString)")
    }

    @Test(arguments: ["rfm", "rfm-diffusion", "sac", "maxentdp", "qvpo"])
    func smokeRunWritesTheRunFolder(agent: String) throws {
        let dir = Self.folder()
        let trainer = try Trainer(config: try Self.tiny(agent), runDirectory: dir, resume: false)
        trainer.report = { _ in }
        let final = try trainer.run()
        #expect(final?.isFinite == true)
        for file in ["config.yaml", "metrics.csv", "metrics.jsonl", "learning_curve.svg", "summary.json", "checkpoints/latest.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
        let rows = try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl"))
        #expect(rows.filter { $0["eval/return"] != nil }.map { $0["step"]! } == [150, 300])
        #expect(rows.contains { $0["critic/loss"].map(\.isFinite) == true && $0["actor/loss"] != nil })
        let header = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.hasPrefix("step,time/elapsed,time/sps,train/episode_return,eval/return"))
        // A second run into the same folder is refused rather than overwriting it.
        #expect(throws: ConfigError.self) { _ = try Trainer(config: try Self.tiny(agent), runDirectory: dir, resume: false) }
    }

    /// A run stopped part-way (as after a kill: no final writes) and resumed gives the same rows,
    /// evaluations included, as the same seed run straight through.
    @Test(arguments: ["rfm", "rfm-diffusion", "sac", "maxentdp", "qvpo"])
    func resumeIsExact(agent: String) throws {
        let straight = Self.folder(), interrupted = Self.folder()
        let a = try Trainer(config: try Self.tiny(agent), runDirectory: straight, resume: false)
        a.report = { _ in }
        try a.run()
        let b = try Trainer(config: try Self.tiny(agent), runDirectory: interrupted, resume: false)
        b.report = { _ in }
        b.stopAfterSteps = 237  // past the checkpoint at 200: rows 201…237 must be dropped on resume
        try b.run()
        let c = try Trainer(config: try RunConfig.file(interrupted.appendingPathComponent("config.yaml").path),
                            runDirectory: interrupted, resume: true)
        c.report = { _ in }
        try c.run()
        func rows(_ dir: URL) throws -> [[String: Double]] {
            try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).map { $0.filter { !$0.key.hasPrefix("time/") } }
        }
        #expect(try rows(straight) == rows(interrupted))
        #expect(try rows(straight).count == 6)  // every 50 steps; evaluations share rows 150 and 300
    }

    /// The same on a Gymnasium task whose step reads data the integration state does not hold
    /// (Ant's torso `xpos` before the step): the checkpoint carries it, so resuming mid-episode
    /// is exact too.
    @Test func resumeIsExactOnAGymnasiumTask() throws {
        let config = try Self.tiny("sac").overriding(["env=Ant-v5"])
        let straight = Self.folder(), interrupted = Self.folder()
        let a = try Trainer(config: config, runDirectory: straight, resume: false)
        a.report = { _ in }
        try a.run()
        let b = try Trainer(config: config, runDirectory: interrupted, resume: false)
        b.report = { _ in }
        b.stopAfterSteps = 237
        try b.run()
        let c = try Trainer(config: try RunConfig.file(interrupted.appendingPathComponent("config.yaml").path),
                            runDirectory: interrupted, resume: true)
        c.report = { _ in }
        try c.run()
        func rows(_ dir: URL) throws -> [[String: Double]] {
            try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).map { $0.filter { !$0.key.hasPrefix("time/") } }
        }
        #expect(try rows(straight) == rows(interrupted))
        #expect(try rows(straight).count == 6)
    }

    @Test func corruptedCheckpointIsRejected() throws {
        let dir = Self.folder()
        let t = try Trainer(config: try Self.tiny("sac", steps: 100), runDirectory: dir, resume: false)
        t.report = { _ in }
        try t.run()
        let url = Checkpoint.url(in: dir)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 5] ^= 0x10
        try Data(bytes).write(to: url)
        do {
            _ = try Trainer(config: try Self.tiny("sac", steps: 100), runDirectory: dir, resume: true)
            Issue.record("a corrupted checkpoint was accepted")
        } catch let e as CheckpointError {
            #expect(e.description.contains("checksum"))
        }
    }

    /// A non-finite loss stops the run with the step and the last good checkpoint, which stays loadable.
    @Test func divergenceStopsAndKeepsTheLastGoodCheckpoint() throws {
        let dir = Self.folder()
        let first = try Trainer(config: try Self.tiny("sac"), runDirectory: dir, resume: false)
        first.report = { _ in }
        first.stopAfterSteps = 150
        try first.run()
        let poisoned = try Trainer(config: try Self.tiny("sac"), runDirectory: dir, resume: true)
        poisoned.report = { _ in }
        poisoned.agent.stateTensors.tensors[0][0] = .nan
        do {
            try poisoned.run()
            Issue.record("a NaN parameter did not stop the run")
        } catch let e as DivergenceError {
            #expect(e.message.contains("step 101") && e.message.contains("last good checkpoint (step 100)"), "\(e.message)")
        }
        let again = try Trainer(config: try Self.tiny("sac"), runDirectory: dir, resume: true)
        #expect(again.agent.stateTensors.tensors.allSatisfy { $0.toArray().allSatisfy(\.isFinite) })
    }

    @Test func resumeWithoutCheckpointSaysSo() throws {
        #expect(throws: CheckpointError.self) { _ = try Trainer(config: try Self.tiny("rfm"), runDirectory: Self.folder(), resume: true) }
    }
}

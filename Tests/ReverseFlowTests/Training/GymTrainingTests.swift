import Foundation
import GymTestSupport
import ReverseFlow
import Testing

/// The trainer on `gym:` environments: a short run through the bridge (a second worker for the
/// evaluations), resume after a stop, and a worker crash that stops the run keeping its checkpoint.
@Suite(.enabled(if: GymTestSupport.available, Comment(rawValue: GymTestSupport.skipReason)), .serialized)
struct GymTrainingTests {
    static func tiny(_ env: String, steps: Int = 300) throws -> RunConfig {
        try TrainerTests.tiny("sac", steps: steps).overriding(["env=\(env)", "gym.python=\(GymTestSupport.python)"])
    }

    @Test func trainsAndResumesThroughTheBridge() throws {
        let dir = TrainerTests.folder()
        let first = try Trainer(config: try Self.tiny("gym:rfm_test_envs:TinyReach"), runDirectory: dir, resume: false)
        first.report = { _ in }
        first.stopAfterSteps = 237
        try first.run()
        let again = try Trainer(config: try RunConfig.savedRun(dir.appendingPathComponent("config.yaml").path),
                                runDirectory: dir, resume: true)
        again.report = { _ in }
        let final = try again.run()
        #expect(final?.isFinite == true)
        let rows = try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl"))
        #expect(rows.filter { $0["eval/return"] != nil }.map { $0["step"]! } == [150, 300])
        let summary = try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"steps\" : 300"))
    }

    @Test func aWorkerCrashStopsTheRunAndKeepsTheCheckpoint() throws {
        let dir = TrainerTests.folder()
        let config = try Self.tiny("gym:rfm_test_envs:Crashing").overriding(["trainer.eval_interval=1000"])
        let trainer = try Trainer(config: config, runDirectory: dir, resume: false)
        trainer.report = { _ in }
        do {
            try trainer.run()
            Issue.record("the run did not stop")
        } catch let failure as EnvironmentFailure {
            let message = failure.description
            #expect(message.contains("gym:rfm_test_envs:Crashing") && message.contains("crashing on purpose"), "\(message)")
            #expect(message.contains("the last checkpoint (step 100) is kept"), "\(message)")
        }
        // The checkpoint is whole: the run resumes from it (and a fresh worker runs 20 more steps).
        let resumed = try Trainer(config: config, runDirectory: dir, resume: true)
        resumed.report = { _ in }
        resumed.stopAfterSteps = 20
        try resumed.run()
    }
}

import Environments
import Foundation
import NeuralNet
import ReverseFlow
import Testing

/// What the trainer promises about its run folder: one writer at a time (a lock from the first
/// byte), evaluation that never writes, resumption only of the configuration that was saved,
/// clean stops on a signal, clear errors on a full disk or an impossible size.
@Suite struct RunFolderTests {
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out[url.path] = try Data(contentsOf: url)
        }
        return out
    }

    static func rows(_ dir: URL) throws -> [[String: Double]] {
        try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).map { $0.filter { !$0.key.hasPrefix("time/") } }
    }

    /// Evaluating a run that is part-way through training changes none of its files, and the run
    /// then finishes with every row a run straight through writes.
    @Test func evalLeavesEveryFileOfARunInTrainingUnchanged() throws {
        let dir = TrainerTests.folder(), straight = TrainerTests.folder()
        let reference = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: straight, resume: false)
        reference.report = { _ in }
        try reference.run()
        let training = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        training.report = { _ in }
        training.stopAfterSteps = 237
        try training.run()  // checkpoint at 200, rows up to 237 written
        let before = try Self.files(dir)
        let (config, agent) = try SavedAgent.load(runDirectory: dir)
        let returns = Evaluation.run(agent: agent, environment: try EnvironmentRegistry.make(config.string("env")),
                                     episodes: 2, runSeed: 5)
        #expect(returns.count == 2 && returns.allSatisfy(\.isFinite))
        #expect(try Self.files(dir) == before)
        training.stopAfterSteps = nil
        try training.run()
        #expect(try Self.rows(dir) == Self.rows(straight))
    }

    @Test func aSecondTrainerOnTheSameFolderIsRefusedNamingTheHolder() throws {
        let dir = TrainerTests.folder()
        let first = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        #expect(throws: RunLockError.held(dir.path, pid: Int(getpid()))) {
            _ = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        }
        first.report = { _ in }
        first.stopAfterSteps = 120
        try first.run()  // releases the folder when it returns
        let second = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: true)
        #expect(throws: RunLockError.self) { _ = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: true) }
        #expect(throws: RunLockError.self) { try first.run() }
        withExtendedLifetime(second) {}
    }

    /// Before its first checkpoint a folder already holds a run: a new run is refused, unless told
    /// to replace it (what a sweep does for a cell killed early).
    @Test func aFolderHoldsARunFromItsFirstByte() throws {
        let dir = TrainerTests.folder()
        do {
            let early = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
            early.report = { _ in }
            early.stopAfterSteps = 50  // no checkpoint yet
            try early.run()
        }
        #expect(!FileManager.default.fileExists(atPath: Checkpoint.url(in: dir).path))
        #expect(throws: ConfigError.self) { _ = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false) }
        let again = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false, replacingUnstarted: true)
        again.report = { _ in }
        try again.run()
        #expect(try Self.rows(dir).count == 6)
    }

    @Test func resumingAnEditedConfigurationIsRefusedNamingTheKey() throws {
        let dir = TrainerTests.folder()
        let t = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        t.report = { _ in }
        t.stopAfterSteps = 120
        try t.run()
        let yaml = dir.appendingPathComponent("config.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        try text.replacingOccurrences(of: "seed: 0", with: "seed: 8").write(to: yaml, atomically: true, encoding: .utf8)
        do {
            _ = try Trainer(config: try RunConfig.savedRun(yaml.path), runDirectory: dir, resume: true)
            Issue.record("an edited seed was accepted on resume")
        } catch let e as ConfigError {
            #expect(e.message.contains("'seed'") && e.message.contains("0 → 8"), "\(e.message)")
        }
        // trainer.steps is documented as resumable: the run goes on to the new length.
        try text.replacingOccurrences(of: "steps: 300", with: "steps: 350").write(to: yaml, atomically: true, encoding: .utf8)
        let longer = try Trainer(config: try RunConfig.savedRun(yaml.path), runDirectory: dir, resume: true)
        longer.report = { _ in }
        try longer.run()
        #expect(try Self.rows(dir).last?["step"] == 350)
    }

    @Test func staleTemporaryCheckpointsAreRemovedOnResume() throws {
        let dir = TrainerTests.folder()
        let t = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        t.report = { _ in }
        t.stopAfterSteps = 120
        try t.run()
        let stale = Checkpoint.url(in: dir).deletingLastPathComponent().appendingPathComponent(".latest.safetensors.tmp-999-1")
        try Data([1, 2, 3]).write(to: stale)
        _ = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: true)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    /// A stop request finishes the step, writes a checkpoint and stops; resuming then gives the
    /// rows of a run straight through.
    @Test func aStopSignalCheckpointsAndResumesExactly() throws {
        let dir = TrainerTests.folder(), straight = TrainerTests.folder()
        let reference = try Trainer(config: try TrainerTests.tiny("rfm"), runDirectory: straight, resume: false)
        reference.report = { _ in }
        try reference.run()
        var asked = 0
        do {
            let t = try Trainer(config: try TrainerTests.tiny("rfm"), runDirectory: dir, resume: false)
            t.report = { _ in }
            t.stopRequested = { asked += 1; return asked == 173 ? SIGTERM : nil }
            do {
                try t.run()
                Issue.record("the stop request was ignored")
            } catch let stop as TrainingStopped {
                #expect(stop.step == 173 && stop.exitCode == 143)
                #expect(stop.description.contains("SIGTERM") && stop.description.contains("--resume"))
            }
        }
        let resumed = try Trainer(config: try TrainerTests.tiny("rfm"), runDirectory: dir, resume: true)
        resumed.report = { _ in }
        try resumed.run()
        #expect(try Self.rows(dir) == Self.rows(straight))
    }

    @Test func anImpossibleReplaySizeIsOneErrorBeforeAnyFolder() throws {
        let dir = TrainerTests.folder()
        let config = try TrainerTests.tiny("sac").overriding(["trainer.replay_size=100000000000"])
        do {
            _ = try Trainer(config: config, runDirectory: dir, resume: false)
            Issue.record("a 1e11-row replay buffer was accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("trainer.replay_size") && e.message.contains("memory"), "\(e.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        let budget = MemoryBudget(config: config, observationSize: 3, actionSize: 1)
        let expected: Double = 1e11 * 9 * 4  // rows × (2·obs + act + reward + mask) × 4 bytes
        #expect(budget.replayBytes == expected)
    }

    /// A full disk (a small tmpfs; skipped where mounting is not allowed) stops the run with the
    /// file, the step and the kept checkpoint named, and the run resumes once space is back.
    @Test func aFullDiskNamesTheFileAndTheStepAndKeepsTheCheckpoint() throws {
        let mountPoint = TrainerTests.folder()
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard Self.shell("mount -t tmpfs -o size=4m tmpfs '\(mountPoint.path)'") == 0 else {
            print("skipped: cannot mount a tmpfs here (needs root); the full-disk path is not exercised")
            return
        }
        defer { _ = Self.shell("umount -l '\(mountPoint.path)'") }
        let dir = mountPoint.appendingPathComponent("run")
        let t = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: false)
        t.report = { _ in }
        t.stopAfterSteps = 120
        try t.run()
        let filler = mountPoint.appendingPathComponent("filler")
        _ = Self.shell("dd if=/dev/zero of='\(filler.path)' bs=64k 2>/dev/null")
        t.stopAfterSteps = nil
        do {
            try t.run()
            Issue.record("a full disk went unnoticed")
        } catch let e as RunWriteError {
            #expect(e.reason == String(cString: strerror(ENOSPC)), "\(e)")
            #expect(e.description.contains("step ") && e.description.contains("step 100"), "\(e)")
        }
        try FileManager.default.removeItem(at: filler)
        let resumed = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: dir, resume: true)
        resumed.report = { _ in }
        try resumed.run()
        #expect(try Self.rows(dir).count == 6)
    }

    static func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

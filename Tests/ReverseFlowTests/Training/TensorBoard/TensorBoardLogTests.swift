import Foundation
import ReverseFlow
import Testing

/// The TensorBoard event files of a run: their bytes, their cut-back on resume, and a whole run
/// read back by TensorBoard's own reader.
@Suite struct TensorBoardLogTests {
    static func eventFiles(_ run: URL) throws -> [URL] {
        let tb = TensorBoardLog.directory(in: run)
        return try FileManager.default.contentsOfDirectory(atPath: tb.path).sorted().map { tb.appendingPathComponent($0) }
    }

    /// A hand-checked encoding: a scalar event is the protocol buffer TensorBoard reads.
    @Test func encodesAScalarEvent() {
        let event = EventRecord.scalars([("a", 1)], step: 3, wallTime: 0)
        // wall_time (field 1, fixed64) 0.0; step (field 2, varint) 3; summary (field 5) holding
        // one value (field 1) {tag "a" (field 1), simple_value 1.0f (field 2, fixed32)}.
        #expect(event == [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 3, 0x2A, 10, 0x0A, 8, 0x0A, 1, 0x61, 0x15, 0, 0, 0x80, 0x3F])
        let framed = EventRecord.framed([1, 2])
        #expect(framed.count == 8 + 4 + 2 + 4 && framed[0] == 2 && framed[12...13] == [1, 2])
    }

    /// Resuming at a step cuts the older file back to its records up to that step (and a torn
    /// record at its end), then starts a new file.
    @Test func resumeCutsOlderFilesBackToTheCheckpointStep() throws {
        let run = TrainerTests.folder()
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let log = try TensorBoardLog(runDirectory: run, now: now)
        for step in 1...5 { try log.append(step: step * 10, ["x": Double(step)], wallTime: 0) }
        let h = try FileHandle(forWritingTo: log.fileURL)
        try h.seekToEnd()
        try h.write(contentsOf: Data([9, 0, 0]))  // a torn record, as a kill leaves
        try h.close()
        _ = try TensorBoardLog(runDirectory: run, resumingAt: 30, now: now)
        let files = try Self.eventFiles(run)
        #expect(files.map(\.lastPathComponent) == [log.fileURL.lastPathComponent, log.fileURL.lastPathComponent + ".1"])
        let kept = EventRecord.framed(EventRecord.fileVersion(wallTime: now.timeIntervalSince1970))
            + (1...3).flatMap { EventRecord.framed(EventRecord.scalars([("x", Float($0))], step: $0 * 10, wallTime: 0)) }
        #expect([UInt8](try Data(contentsOf: files[0])) == kept)
    }

    /// Resumed with `trainer.tensorboard` switched off, a run writes no new file but still cuts
    /// the old one back to the checkpoint (row 250, written after it, goes).
    @Test func switchedOffOnResumeStillCutsBack() throws {
        let run = TrainerTests.folder()
        let first = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: run, resume: false)
        first.report = { _ in }
        first.stopAfterSteps = 260
        try first.run()
        let before = try Self.eventFiles(run)
        let written = try Data(contentsOf: before[0])
        let resumed = try Trainer(config: try TrainerTests.tiny("sac").overriding(["trainer.tensorboard=false"]),
                                  runDirectory: run, resume: true)
        resumed.report = { _ in }
        try resumed.run()
        let after = try Self.eventFiles(run)
        let kept = try Data(contentsOf: after[0])
        #expect(after == before && kept.count < written.count && written.prefix(kept.count) == kept)
    }

    @Test func switchedOffWritesNoEventFiles() throws {
        let run = TrainerTests.folder()
        let t = try Trainer(config: try TrainerTests.tiny("sac", steps: 100).overriding(["trainer.tensorboard=false"]),
                            runDirectory: run, resume: false)
        t.report = { _ in }
        try t.run()
        #expect(!FileManager.default.fileExists(atPath: TensorBoardLog.directory(in: run).path))
    }

    /// A run stopped past a checkpoint and resumed, read back with the `tensorboard` package's
    /// readers (`scripts/reference/tensorboard_check.py`): every scalar of `metrics.jsonl` at its
    /// step, none twice. Skipped, saying why, without `.venv-tb` (scripts/reference/tensorboard_venv.sh).
    @Test func tensorBoardReadsEveryScalarOfAResumedRun() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".venv-tb/bin/python").path
        guard Self.run(python, ["-c", "import tensorboard"]).status == 0 else {
            print("skipped tensorBoardReadsEveryScalarOfAResumedRun: no \(python) with tensorboard (bash scripts/reference/tensorboard_venv.sh)")
            return
        }
        let run = TrainerTests.folder()
        let first = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: run, resume: false)
        first.report = { _ in }
        first.stopAfterSteps = 237  // rows 250… re-run after the checkpoint at 200
        try first.run()
        let resumed = try Trainer(config: try TrainerTests.tiny("sac"), runDirectory: run, resume: true)
        resumed.report = { _ in }
        try resumed.run()
        #expect(try Self.eventFiles(run).count == 2)
        let check = Self.run(python, [root.appendingPathComponent("scripts/reference/tensorboard_check.py").path, run.path])
        print(check.output)
        #expect(check.status == 0, "\(check.output)")
    }

    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        guard (try? p.run()) != nil else { return (-1, "cannot run \(executable)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

import Foundation
import NeuralNet

/// Runs a sweep's cells on this machine as child `rfm train` processes, at most `jobs` at once.
///
/// Finished cells are skipped; cells with a checkpoint are resumed (`rfm train --resume`), so
/// re-running the same command after an interruption picks up where it stopped. Each child
/// writes its output to `<run>/train.log`. Children get `--threads` each; `jobs × threads` should
/// not exceed the cores.
public struct SweepRunner {
    public let executable: URL
    public let threads: Int
    public let jobs: Int
    /// Receives one line per event (start, finish, failure).
    public var report: (String) -> Void = { print($0) }

    public init(executable: URL, threads: Int, jobs: Int) {
        self.executable = executable
        self.threads = threads
        self.jobs = jobs
    }

    /// The child's arguments for one cell (after writing its config and label when new).
    public func arguments(for run: SweepRun) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: run.directory, withIntermediateDirectories: true)
        let label = ["task": run.task, "label": run.label, "seed": String(run.seed), "index": String(run.index)]
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: label, options: [.sortedKeys]),
                             to: run.directory.appendingPathComponent("sweep_run.json"))
        if run.status == .partial {
            return ["train", "--resume", run.directory.path, "--threads", String(threads)]
        }
        let config = run.directory.appendingPathComponent("config.yaml")
        try AtomicFile.write(Data(run.config.yaml.utf8), to: config)
        // The cell may hold a run killed before its first checkpoint: nothing resumable, start over.
        return ["train", "--config", config.path, "--out", run.directory.path, "--replace-unstarted", "--threads", String(threads)]
    }

    /// Runs every unfinished cell; returns the indices of the cells that failed.
    @discardableResult
    public func run(_ runs: [SweepRun]) throws -> [Int] {
        let todo = runs.filter { $0.status != .finished }
        report("sweep: \(runs.count) runs, \(runs.count - todo.count) already finished, \(todo.count) to run, \(jobs) at a time × \(threads) thread(s)")
        var pending = todo[...]
        var running: [(run: SweepRun, process: Process, start: Date)] = []
        var failed: [Int] = []
        var done = runs.count - todo.count
        while !pending.isEmpty || !running.isEmpty {
            while running.count < jobs, let next = pending.popFirst() {
                // Another sweep process (a Slurm array task, a second terminal) may have finished
                // this cell since the sweep started.
                if next.status == .finished {
                    done += 1
                    report("skip  [\(next.index)] \(next.task) \(next.label) seed \(next.seed): finished meanwhile")
                    continue
                }
                let process = Process()
                process.executableURL = executable
                process.arguments = try arguments(for: next)
                let logURL = next.directory.appendingPathComponent("train.log")
                if !FileManager.default.fileExists(atPath: logURL.path) { FileManager.default.createFile(atPath: logURL.path, contents: nil) }
                let log = try FileHandle(forWritingTo: logURL)
                log.seekToEndOfFile()
                process.standardOutput = log
                process.standardError = log
                process.standardInput = FileHandle.nullDevice
                try process.run()
                report("start [\(next.index)] \(next.task) \(next.label) seed \(next.seed)\(next.status == .partial ? " (resuming)" : "") → \(next.directory.path)")
                running.append((next, process, Date()))
            }
            Thread.sleep(forTimeInterval: 0.2)
            var still: [(run: SweepRun, process: Process, start: Date)] = []
            for r in running {
                if r.process.isRunning { still.append(r); continue }
                done += 1
                let minutes = Date().timeIntervalSince(r.start) / 60
                if r.process.terminationStatus == 0 {
                    report(String(format: "done  [%d] %@ %@ seed %d in %.1f min (%d/%d)", r.run.index, r.run.task, r.run.label, r.run.seed, minutes, done, runs.count))
                } else {
                    failed.append(r.run.index)
                    report("FAILED [\(r.run.index)] \(r.run.task) \(r.run.label) seed \(r.run.seed) (exit \(r.process.terminationStatus)); see \(r.run.directory.appendingPathComponent("train.log").path)")
                }
            }
            running = still
        }
        return failed
    }
}

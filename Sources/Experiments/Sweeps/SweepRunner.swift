import Foundation
import NeuralNet
import ReverseFlow

/// Runs a sweep's cells on this machine as child `rfm train` processes, at most `jobs` at once.
///
/// Finished cells are skipped; cells with a checkpoint are resumed (`rfm train --resume`), so
/// re-running the same command after an interruption picks up where it stopped. Each child
/// writes its output to `<run>/train.log`. Children get `--threads` each; `jobs × threads` should
/// not exceed the cores.
///
/// A stop request (SIGINT or SIGTERM to the sweep, see ``StopSignal``) is passed on to every
/// running child, which checkpoints and stops as `rfm train` does; no new cell starts, the sweep
/// waits for the children and throws ``SweepStopped``. Running the same command again resumes them.
public struct SweepRunner {
    public let executable: URL
    public let threads: Int
    public let jobs: Int
    /// Receives one line per event (start, finish, failure).
    public var report: (String) -> Void = { print($0) }
    /// The stop request received, if any (a signal number); polled between events.
    public var stopRequested: () -> Int32? = { StopSignal.received }

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
        var stop: Int32?
        /// Passes a new stop request on to the running children, once.
        func pollStop() {
            guard stop == nil, let signal = stopRequested() else { return }
            stop = signal
            pending = []
            report("\(StopSignal.name(signal)): passing it on to \(running.count) running run(s); they checkpoint and stop")
            for r in running where r.process.isRunning { kill(r.process.processIdentifier, signal) }
        }
        while !pending.isEmpty || !running.isEmpty {
            pollStop()
            while stop == nil, running.count < jobs, let next = pending.popFirst() {
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
            // A child that exited from the same signal (a process group's) is judged as stopped.
            pollStop()
            var still: [(run: SweepRun, process: Process, start: Date)] = []
            for r in running {
                if r.process.isRunning { still.append(r); continue }
                done += 1
                let minutes = Date().timeIntervalSince(r.start) / 60
                if let stop, r.process.terminationStatus == 128 + stop {
                    report("stopped [\(r.run.index)] \(r.run.task) \(r.run.label) seed \(r.run.seed) at its checkpoint")
                } else if r.process.terminationStatus == 0 {
                    report(String(format: "done  [%d] %@ %@ seed %d in %.1f min (%d/%d)", r.run.index, r.run.task, r.run.label, r.run.seed, minutes, done, runs.count))
                } else {
                    failed.append(r.run.index)
                    report("FAILED [\(r.run.index)] \(r.run.task) \(r.run.label) seed \(r.run.seed) (exit \(r.process.terminationStatus)); see \(r.run.directory.appendingPathComponent("train.log").path)")
                }
            }
            running = still
        }
        if let stop { throw SweepStopped(signal: stop, failed: failed) }
        return failed
    }
}

/// A sweep stopped on request (a signal) after its running children checkpointed and stopped; the
/// same `rfm sweep` command continues it.
public struct SweepStopped: Error, CustomStringConvertible {
    public let signal: Int32
    /// Cells that failed before the stop.
    public let failed: [Int]

    /// The shell's convention for a process ended by a signal.
    public var exitCode: Int32 { 128 + signal }

    public var description: String {
        "sweep stopped by \(StopSignal.name(signal)); running runs were checkpointed. Run the same command to continue"
            + (failed.isEmpty ? "" : " (failed before the stop: \(failed.map(String.init).joined(separator: ", ")))")
    }
}

import ArgumentParser
import Experiments
import Foundation
import NeuralNet
import ReverseFlow

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of tasks × agents × seeds (× variants) from a YAML file.",
        discussion: """
        Runs go to <out>/<task>/<agent>[-<variant>]/seed<k>/ as parallel `rfm train` processes; finished \
        runs are skipped and interrupted ones resumed, so the same command continues a stopped sweep. \
        --slurm writes <out>/sweep.slurm, a job array running the same grid on a cluster. \
        The file format is described in docs/sweeps.md.
        """
    )

    @Argument(help: "Sweep file (YAML).") var file: String
    @Option(help: "Concurrent runs (default: cores ÷ threads).") var jobs: Int?
    @Option(help: "Compute threads per run.") var threads = 1
    @Option(help: "Run only the cell with this index (as a Slurm array task does).") var index: Int?
    @Flag(help: "List the runs and their status; run nothing.") var dryRun = false
    @Flag(help: "Write a Slurm job-array script for the grid instead of running it.") var slurm = false

    func validate() throws {
        try requirePositive([("--threads", threads)] + (jobs.map { [("--jobs", $0)] } ?? []))
        if let index, index < 0 { throw ValidationError("--index must be non-negative, got \(index)") }
    }

    func run() throws {
        let spec = try SweepSpec.load(file)
        let runs = try spec.runs()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if dryRun {
            for r in runs { print("[\(r.index)] \(r.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.directory.path)") }
            return
        }
        if slurm {
            let out = URL(fileURLWithPath: spec.out).standardizedFileURL
            let script = try SlurmScript.make(sweepFile: URL(fileURLWithPath: file).standardizedFileURL.path, executable: executable.path,
                                              runs: runs.count, threads: threads, out: out.path,
                                              workingDirectory: FileManager.default.currentDirectoryPath)
            try FileManager.default.createDirectory(at: out.appendingPathComponent("slurm"), withIntermediateDirectories: true)
            let url = out.appendingPathComponent("sweep.slurm")
            try AtomicFile.write(Data(script.utf8), to: url)
            print("wrote \(url.path) (\(runs.count) array tasks); submit with: sbatch \(SlurmScript.quoted(url.path))")
            return
        }
        var selected = runs
        if let index {
            guard index < runs.count else { throw ValidationError("--index \(index) is out of range: the grid has \(runs.count) runs") }
            selected = [runs[index]]
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let runner = SweepRunner(executable: executable, threads: threads, jobs: jobs ?? max(1, cores / threads))
        StopSignal.install()
        let failed: [Int]
        do {
            failed = try runner.run(selected)
        } catch let stopped as SweepStopped {
            print(stopped.description)
            Foundation.exit(stopped.exitCode)
        }
        if !failed.isEmpty { throw ExitCode(1) }
        print("sweep finished: \(spec.out) (summarise with `rfm report \(spec.out)`)")
    }
}

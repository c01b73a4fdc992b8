import ArgumentParser
import Experiments
import Foundation
import ReverseFlow

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise run folders: learning curves, return tables, diagnostics, wall-clock.",
        discussion: """
        Finds every run folder under the given paths and writes report.md (+ figures/) and a self-contained report.html. \
        A run folder that cannot be read is skipped with a warning on stderr.
        """
    )

    @Argument(help: "Run folders or folders containing them (a sweep's out folder).") var paths: [String]
    @Option(help: "Output folder (default: the first path).") var out: String?
    @Option(help: "Report title.") var title = "rfm results"
    @Option(name: .customLong("at-step"),
            help: "Tabulate evaluation returns at this step instead of the final ones; repeat it or give a comma list for several tables.")
    var atStep: [String] = []

    /// The `--at-step` values, comma lists split, in the order given.
    var steps: [Int] {
        get throws {
            try atStep.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { text in
                guard let step = Int(text.trimmingCharacters(in: .whitespaces)), step > 0 else {
                    throw ValidationError("--at-step takes positive step counts, not '\(text)'")
                }
                return step
            }
        }
    }

    func validate() throws { _ = try steps }

    func run() throws {
        let roots = paths.map { URL(fileURLWithPath: $0) }
        for r in roots where !FileManager.default.fileExists(atPath: r.path) {
            throw ValidationError("no such folder: \(r.path)")
        }
        let (runs, skipped) = RunRecord.loadAll(under: roots)
        for s in skipped {
            FileHandle.standardError.write(Data("warning: skipping run \(s.directory.path): \(s.reason)\n".utf8))
        }
        guard !runs.isEmpty else {
            throw ValidationError("no readable run folders (with config.yaml and metrics.jsonl or metrics.csv) under \(paths.joined(separator: ", "))")
        }
        var report = ExperimentReport(runs: runs)
        report.title = title
        report.atSteps = try steps
        let dest = URL(fileURLWithPath: out ?? paths[0])
        try report.write(to: dest)
        print("report of \(runs.count) runs: \(dest.appendingPathComponent("report.html").path), \(dest.appendingPathComponent("report.md").path)")
        if report.atSteps.isEmpty { print(report.finalTable) }
        for step in report.atSteps { print("\nstep \(step):\n" + report.stepTable(at: step)) }
    }
}

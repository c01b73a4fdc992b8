import ArgumentParser
import Foundation
import ReverseFlow

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise run folders: learning curves, final-return table, diagnostics, wall-clock.",
        discussion: """
        Finds every run folder under the given paths and writes report.md (+ figures/) and a self-contained report.html. \
        A run folder that cannot be read is skipped with a warning on stderr.
        """
    )

    @Argument(help: "Run folders or folders containing them (a sweep's out folder).") var paths: [String]
    @Option(help: "Output folder (default: the first path).") var out: String?
    @Option(help: "Report title.") var title = "rfm results"

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
        let dest = URL(fileURLWithPath: out ?? paths[0])
        try report.write(to: dest)
        print("report of \(runs.count) runs: \(dest.appendingPathComponent("report.html").path), \(dest.appendingPathComponent("report.md").path)")
        print(report.finalTable)
    }
}

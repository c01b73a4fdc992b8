import ArgumentParser
import Foundation
import ReverseFlow

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise run folders: learning curves, final-return table, diagnostics, wall-clock.",
        discussion: "Finds every run folder under the given paths and writes report.md (+ figures/) and a self-contained report.html."
    )

    @Argument(help: "Run folders or folders containing them (a sweep's out folder).") var paths: [String]
    @Option(help: "Output folder (default: the first path).") var out: String?
    @Option(help: "Report title.") var title = "rfm results"

    func run() throws {
        let roots = paths.map { URL(fileURLWithPath: $0) }
        for r in roots where !FileManager.default.fileExists(atPath: r.path) {
            throw ValidationError("no such folder: \(r.path)")
        }
        let dirs = RunRecord.find(under: roots)
        guard !dirs.isEmpty else { throw ValidationError("no run folders (with config.yaml and metrics.jsonl) under \(paths.joined(separator: ", "))") }
        var report = ExperimentReport(runs: try dirs.map { try RunRecord.load($0) })
        report.title = title
        let dest = URL(fileURLWithPath: out ?? paths[0])
        try report.write(to: dest)
        print("report of \(dirs.count) runs: \(dest.appendingPathComponent("report.html").path), \(dest.appendingPathComponent("report.md").path)")
        print(report.finalTable)
    }
}

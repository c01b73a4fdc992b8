import Foundation
import ReverseFlow

/// The report's tables, each a Markdown pipe table.
extension ExperimentReport {
    /// Final evaluation returns: one row per task, one column per agent label, `(n=k)` in every
    /// cell, the best mean per row in bold, and the mean normalised score.
    public var finalTable: String {
        var table = returnTable { $0.finalReturn }
        table.alwaysShowCount = true
        return table.markdown
    }

    /// Evaluation returns at `step`: each cell the mean ± std over the seeds whose evaluation was
    /// logged at exactly that step. Runs that have not reached it are left out and the cell says
    /// `(n=k)` when k is below the group's seeds; the best mean per row is in bold.
    public func stepTable(at step: Int) -> String {
        returnTable { run in run.evaluations.first { $0.step == step }?.value }.markdown
    }

    /// The table of `value` per run, grouped by task and label.
    func returnTable(_ value: (RunRecord) -> Double?) -> ReturnTable {
        var cells: [String: [String: ReturnTable.Cell]] = [:]
        for task in tasks {
            for label in labels {
                let rs = runs(task, label)
                if !rs.isEmpty { cells[task, default: [:]][label] = .init(values: rs.compactMap(value), seeds: rs.count) }
            }
        }
        return ReturnTable(tasks: tasks, labels: labels, cells: cells)
    }

    /// What the return tables' marks and last row mean, in one paragraph.
    public var tableNote: String {
        var note = "Population std over seeds; the best mean of each row in bold; (n=k) marks a cell with fewer seeds than its group, and a cell of one seed, which shows its value alone."
        let scored = tasks.filter { ScoreNormaliser.maximum(for: $0) != nil }
        guard !scored.isEmpty else { return note }
        note += " Mean normalised score: the mean over tasks of the cell's mean return / \(Int(ScoreNormaliser.controlSuiteMaximum))"
            + " (a DeepMind Control episode is 1,000 steps with rewards in [0, 1], so returns lie in [0, 1000])."
        let unscored = tasks.filter { !scored.contains($0) }
        if !unscored.isEmpty {
            note += " Left out of it: \(unscored.joined(separator: ", ")) (no fixed maximum return)."
        }
        return note
    }

    /// Per agent, the wall-clock of its finished runs (`summary.json`'s `wall_seconds`, the
    /// training time summed over resumed pieces): a run that stopped early would understate it.
    public var wallClockTable: String {
        var lines = ["| agent | finished runs | steps per run | wall-clock per run (mean ± std) | total |", "|---|---|---|---|---|"]
        for label in labels {
            let finished = runs.filter { $0.label == label && $0.finished && $0.wallSeconds != nil }
            guard !finished.isEmpty else {
                lines.append("| \(label) | 0 | — | — | — |")
                continue
            }
            let seconds = finished.map { $0.wallSeconds! }
            let (m, s) = Self.meanStd(seconds)
            let steps = Set(finished.map(\.steps)).sorted().map(String.init).joined(separator: ", ")
            let perRun = String(format: "%.1f ± %.1f min", m / 60, s / 60), total = String(format: "%.1f h", seconds.reduce(0, +) / 3600)
            lines.append("| \(label) | \(finished.count) | \(steps) | \(perRun) | \(total) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Every run: steps, final return, wall-clock, finished or partial, folder.
    public var runTable: String {
        var lines = ["| task | agent | seed | steps | final return | wall-clock | status | folder |", "|---|---|---|---|---|---|---|---|"]
        // Folders under the working directory are shown relative to it (reports get committed).
        let cwd = FileManager.default.currentDirectoryPath + "/"
        for r in runs.sorted(by: { ($0.task, $0.label, $0.seed) < ($1.task, $1.label, $1.seed) }) {
            let folder = r.directory.path.hasPrefix(cwd) ? String(r.directory.path.dropFirst(cwd.count)) : r.directory.path
            let wall = r.wallSeconds.map { String(format: "%.1f min", $0 / 60) } ?? "—"
            let final = r.finalReturn.map { String(format: "%.1f", $0) } ?? "—"
            lines.append("| \(r.task) | \(r.label) | \(r.seed) | \(r.steps) | \(final) | \(wall) | \(r.finished ? "finished" : "partial") | `\(folder)` |")
        }
        return lines.joined(separator: "\n")
    }
}

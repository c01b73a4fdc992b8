import Foundation
import ReverseFlow

/// A task × agent table of returns in Markdown, as the paper prints its DeepMind Control table:
/// each cell the mean ± std over seeds, the best mean of each row in bold, and a last row with
/// each agent's mean normalised score (``ScoreNormaliser``).
struct ReturnTable {
    /// One (task, agent) group: the per-seed values that the table covers, and how many seeds
    /// (runs) the group has in all, so a cell built from fewer says so.
    struct Cell {
        let values: [Double]
        let seeds: Int
    }

    let tasks: [String]
    let labels: [String]
    /// Keyed by task, then label; a missing entry is a group with no runs.
    let cells: [String: [String: Cell]]
    /// Writes `(n=k)` in every cell (the final-return table), not only where `k` is below the
    /// group's seeds.
    var alwaysShowCount = false

    var markdown: String {
        var lines = ["| task | " + labels.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---|", count: labels.count)]
        for task in tasks {
            let row = labels.map { cells[task]?[$0] }
            let means = row.map { cell in cell.flatMap { $0.values.isEmpty ? nil : ExperimentReport.meanStd($0.values).0 } }
            let best = Self.best(means)
            let texts = zip(row, means).enumerated().map { i, pair -> String in
                guard let cell = pair.0, let mean = pair.1 else { return "—" }
                let std = ExperimentReport.meanStd(cell.values).1
                // One seed has no spread to show: its value alone, always marked n=1.
                let single = cell.values.count == 1
                var text = single ? String(format: "%.1f", mean) : String(format: "%.1f ± %.1f", mean, std)
                if best.contains(i) { text = "**\(text)**" }
                if alwaysShowCount || single || cell.values.count < cell.seeds { text += " (n=\(cell.values.count))" }
                return text
            }
            lines.append("| \(task) | " + texts.joined(separator: " | ") + " |")
        }
        if let row = normalisedRow { lines.append(row) }
        return lines.joined(separator: "\n")
    }

    /// Tasks with a fixed maximum return, the ones the normalised row averages.
    var normalisedTasks: [String] { tasks.filter { ScoreNormaliser.maximum(for: $0) != nil } }

    /// Each agent's mean over tasks of (cell mean / the task's maximum return); `(k of K tasks)`
    /// where the agent has values on only k of the K tasks. Only agents with values on every task
    /// compete for bold: an average over fewer tasks is not comparable. Nil when no task has a
    /// normaliser.
    var normalisedRow: String? {
        let scored = normalisedTasks
        guard !scored.isEmpty else { return nil }
        let scores = labels.map { label -> (Double, Int)? in
            let normalised = scored.compactMap { task -> Double? in
                guard let values = cells[task]?[label]?.values, !values.isEmpty else { return nil }
                return ExperimentReport.meanStd(values).0 / ScoreNormaliser.maximum(for: task)!
            }
            return normalised.isEmpty ? nil : (normalised.reduce(0, +) / Double(normalised.count), normalised.count)
        }
        let best = Self.best(scores.map { score in score.flatMap { $0.1 == scored.count ? $0.0 : nil } })
        let texts = scores.enumerated().map { i, score -> String in
            guard let (mean, count) = score else { return "—" }
            var text = String(format: "%.3f", mean)
            if best.contains(i) { text = "**\(text)**" }
            if count < scored.count { text += " (\(count) of \(scored.count) tasks)" }
            return text
        }
        return "| mean normalised score | " + texts.joined(separator: " | ") + " |"
    }

    /// Indices of the largest values, when at least two values compete (one alone is not "best").
    static func best(_ values: [Double?]) -> Set<Int> {
        let present = values.compactMap { $0 }
        guard present.count >= 2, let top = present.max() else { return [] }
        return Set(values.indices.filter { values[$0] == top })
    }
}

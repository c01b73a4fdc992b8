import Environments
import Foundation
import ReverseFlow

/// A results report over many runs: learning curves per task (mean line, min–max band over
/// seeds, as the paper plots them) and all tasks in one small-multiples figure, a task × agent
/// table of returns (final, or at chosen steps) with each agent's mean normalised score,
/// estimator diagnostics over training, and wall-clock per run. Written as Markdown with SVG
/// files and as one self-contained HTML page (ExperimentReport+Write.swift); the tables are in
/// ExperimentReport+Tables.swift.
public struct ExperimentReport {
    public let runs: [RunRecord]
    public var title = "rfm results"
    /// Steps at which to tabulate returns, one table each; empty for the final-return table.
    public var atSteps: [Int] = []

    public init(runs: [RunRecord]) { self.runs = runs }

    /// The tasks in the environment registry's order (for DeepMind Control, the paper's table
    /// order), then any it does not know by name.
    public var tasks: [String] {
        let present = Set(runs.map(\.task)), known = EnvironmentRegistry.names
        return known.filter(present.contains) + present.subtracting(known).sorted()
    }
    public var labels: [String] { Array(Set(runs.map(\.label))).sorted() }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// An agent's colour, the same in every figure of the report.
    func colour(_ label: String) -> String { Self.palette[(labels.firstIndex(of: label) ?? 0) % Self.palette.count] }

    func runs(_ task: String, _ label: String) -> [RunRecord] {
        runs.filter { $0.task == task && $0.label == label }.sorted { $0.seed < $1.seed }
    }

    /// (step, mean, min, max) over the seeds, at the steps every seed has reached.
    public static func band(_ series: [[(step: Int, value: Double)]]) -> [(Int, Double, Double, Double)] {
        guard let first = series.first else { return [] }
        var common = Set(first.map(\.step))
        for s in series.dropFirst() { common.formIntersection(s.map(\.step)) }
        return common.sorted().map { step in
            let values = series.map { s in s.first { $0.step == step }!.value }
            return (step, values.reduce(0, +) / Double(values.count), values.min()!, values.max()!)
        }
    }

    /// Mean and (population) standard deviation.
    public static func meanStd(_ v: [Double]) -> (Double, Double) {
        let m = v.reduce(0, +) / Double(v.count)
        return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot())
    }

    /// Each agent's evaluation-return band on `task`, labelled with its seed count when asked.
    func curveSeries(_ task: String, seedCounts: Bool) -> [LearningCurve.Series] {
        labels.compactMap { label in
            let rs = runs(task, label)
            guard !rs.isEmpty else { return nil }
            let name = seedCounts ? "\(label) (\(rs.count) seed\(rs.count == 1 ? "" : "s"))" : label
            return (name, colour(label), Self.band(rs.map(\.evaluations)))
        }
    }

    public func curveSVG(_ task: String) -> String {
        LearningCurve.bands(curveSeries(task, seedCounts: true), title: task, yLabel: "evaluation return")
    }

    /// Every task's learning curves in one grid, one colour per agent and a shared legend.
    public func smallMultiplesSVG() -> String {
        SmallMultiples.svg(tasks.map { ($0, curveSeries($0, seedCounts: false)) },
                           legend: labels.map { ($0, colour($0)) },
                           title: "\(title): evaluation return (mean, min–max over seeds)", yLabel: "evaluation return")
    }

    /// One SVG per diagnostic that some run of the task logged.
    public func diagnosticSVGs(_ task: String) -> [(key: String, svg: String)] {
        RunRecord.diagnosticKeys.compactMap { key in
            let series = labels.compactMap { label -> LearningCurve.Series? in
                let rs = runs(task, label).filter { !($0.diagnostics[key] ?? []).isEmpty }
                guard !rs.isEmpty else { return nil }
                return (label, colour(label), Self.band(rs.map { $0.diagnostics[key]! }))
            }
            guard !series.isEmpty else { return nil }
            return (key, LearningCurve.bands(series, title: "\(task): \(key)", yLabel: key))
        }
    }
}

import Foundation
import NeuralNet

/// A results report over many runs: learning curves per task (mean line, min–max band over
/// seeds, as the paper plots them), a table of final returns (mean ± std over seeds), estimator
/// diagnostics over training, and wall-clock per run. Written as Markdown with SVG files and as
/// one self-contained HTML page.
public struct ExperimentReport {
    public let runs: [RunRecord]
    public var title = "rfm results"

    public init(runs: [RunRecord]) { self.runs = runs }

    public var tasks: [String] { Array(Set(runs.map(\.task))).sorted() }
    public var labels: [String] { Array(Set(runs.map(\.label))).sorted() }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

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

    public func curveSVG(_ task: String) -> String {
        let series = labels.compactMap { label -> (String, String, [(Int, Double, Double, Double)])? in
            let rs = runs(task, label)
            guard !rs.isEmpty else { return nil }
            return ("\(label) (\(rs.count) seed\(rs.count == 1 ? "" : "s"))", colour(label), Self.band(rs.map(\.evaluations)))
        }
        return LearningCurve.bands(series, title: task, yLabel: "evaluation return")
    }

    /// One SVG per diagnostic that some run of the task logged.
    public func diagnosticSVGs(_ task: String) -> [(key: String, svg: String)] {
        RunRecord.diagnosticKeys.compactMap { key in
            let series = labels.compactMap { label -> (String, String, [(Int, Double, Double, Double)])? in
                let rs = runs(task, label).filter { !($0.diagnostics[key] ?? []).isEmpty }
                guard !rs.isEmpty else { return nil }
                return (label, colour(label), Self.band(rs.map { $0.diagnostics[key]! }))
            }
            guard !series.isEmpty else { return nil }
            return (key, LearningCurve.bands(series, title: "\(task): \(key)", yLabel: key))
        }
    }

    /// The final-return table in Markdown: one row per task, one column per agent label.
    public var finalTable: String {
        var lines = ["| task | " + labels.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---|", count: labels.count)]
        for task in tasks {
            let cells = labels.map { label -> String in
                let finals = runs(task, label).compactMap(\.finalReturn)
                guard !finals.isEmpty else { return "—" }
                let (m, s) = Self.meanStd(finals)
                return String(format: "%.1f ± %.1f (n=%d)", m, s, finals.count)
            }
            lines.append("| \(task) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

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

    /// Writes `report.md` (with `figures/*.svg`) and the self-contained `report.html` into `out`.
    public func write(to out: URL) throws {
        let fm = FileManager.default
        let figures = out.appendingPathComponent("figures")
        try fm.createDirectory(at: figures, withIntermediateDirectories: true)
        var md = ["# \(title)", "", "\(runs.count) runs, \(tasks.count) task(s), agents: \(labels.joined(separator: ", ")).", "",
                  "## Final evaluation return (mean ± std over seeds)", "", finalTable, ""]
        var html = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>\(escape(title))</title>",
                    "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}svg{max-width:100%}</style>",
                    "</head><body>", "<h1>\(escape(title))</h1>",
                    "<p>\(runs.count) runs, \(tasks.count) task(s), agents: \(escape(labels.joined(separator: ", "))).</p>",
                    "<h2>Final evaluation return (mean ± std over seeds)</h2>", htmlTable(finalTable)]
        md += ["## Learning curves (mean, min–max band over seeds)", ""]
        html.append("<h2>Learning curves (mean, min–max band over seeds)</h2>")
        for task in tasks {
            let svg = curveSVG(task)
            let name = try writeFigure("curve-\(task)", svg, into: figures)
            md += ["![\(task)](figures/\(name))", ""]
            html.append(svg)
        }
        var diagnosticsMD: [String] = [], diagnosticsHTML: [String] = []
        for task in tasks {
            for (key, svg) in diagnosticSVGs(task) {
                let name = try writeFigure("diag-\(task)-\(key.replacingOccurrences(of: "/", with: "_"))", svg, into: figures)
                diagnosticsMD += ["![\(task) \(key)](figures/\(name))", ""]
                diagnosticsHTML.append(svg)
            }
        }
        if !diagnosticsMD.isEmpty {
            md += ["## Estimator diagnostics over training (mean, min–max over seeds)", ""] + diagnosticsMD
            html += ["<h2>Estimator diagnostics over training (mean, min–max over seeds)</h2>"] + diagnosticsHTML
        }
        md += ["## Runs", "", runTable, ""]
        html += ["<h2>Runs</h2>", htmlTable(runTable), "</body></html>"]
        try AtomicFile.write(Data(md.joined(separator: "\n").utf8), to: out.appendingPathComponent("report.md"))
        try AtomicFile.write(Data(html.joined(separator: "\n").utf8), to: out.appendingPathComponent("report.html"))
    }

    /// Writes `figures/<stem>.svg` and returns its file name. The stem is built from task names
    /// and must be a ``SafeName``, so the file can only land inside `figures`.
    private func writeFigure(_ stem: String, _ svg: String, into figures: URL) throws -> String {
        let name = try SafeName.checked(stem + ".svg", "figure name", in: figures.path)
        try AtomicFile.write(Data(svg.utf8), to: figures.appendingPathComponent(name))
        return name
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A Markdown pipe table as an HTML table.
    private func htmlTable(_ markdown: String) -> String {
        let rows = markdown.split(separator: "\n").filter { !$0.hasPrefix("|---") }
        var out = ["<table>"]
        for (i, row) in rows.enumerated() {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { escape($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")) }
            let tag = i == 0 ? "th" : "td"
            out.append("<tr>" + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>")
        }
        return (out + ["</table>"]).joined()
    }
}

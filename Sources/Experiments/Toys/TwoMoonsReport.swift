import Foundation
import NeuralNet
import ReverseFlow
import TensorCore

/// Files of the two-moons experiment: `samples.csv`, `metrics.json` and `samples.svg` per run,
/// and for a comparison `comparison.svg` and `summary.md`.
public enum TwoMoonsReport {
    static let xRange = -2.0...2.0
    static let yRange = -1.25...1.25

    /// Writes one run's files into `dir` (created if needed), each atomically.
    public static func write(_ result: TwoMoonsExperiment.Result, samples: Tensor, to dir: URL) throws {
        var csv = "x,y\n"
        for i in 0..<samples.rows { csv += "\(samples[i, 0]),\(samples[i, 1])\n" }
        try AtomicFile.write(Data(csv.utf8), to: dir.appendingPathComponent("samples.csv"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(result), to: dir.appendingPathComponent("metrics.json"))
        try AtomicFile.write(Data(figure([(result, samples)]).utf8), to: dir.appendingPathComponent("samples.svg"))
    }

    /// Writes `comparison.svg` (one panel per run of `figure` over the target density) and
    /// `summary.md` (the metrics table of `results`, mean ± std over seeds per method).
    public static func writeComparison(figure runs: [(TwoMoonsExperiment.Result, Tensor)],
                                       results: [TwoMoonsExperiment.Result], to dir: URL) throws {
        try AtomicFile.write(Data(figure(runs).utf8), to: dir.appendingPathComponent("comparison.svg"))
        try AtomicFile.write(Data(summaryTable(results).utf8), to: dir.appendingPathComponent("summary.md"))
    }

    /// The Markdown table of the runs: mean ± std over seeds for each method.
    public static func summaryTable(_ results: [TwoMoonsExperiment.Result]) -> String {
        var out = "| method | steps | seeds | SWD ↓ | MMD² ↓ | Sinkhorn ↓ | train time (s) |\n|---|---|---|---|---|---|---|\n"
        for method in TwoMoonsExperiment.Method.allCases {
            let rs = results.filter { $0.method == method }
            guard let first = rs.first else { continue }
            func stat(_ f: (TwoMoonsExperiment.Result) -> Double, _ digits: Int) -> String {
                let v = rs.map(f), m = v.reduce(0, +) / Double(v.count)
                let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(v.count - 1, 1))).squareRoot()
                return String(format: "%.\(digits)f ± %.\(digits)f", m, sd)
            }
            out += "| \(method.title) | \(first.steps) | \(rs.count) | \(stat(\.slicedWasserstein, 4)) | \(stat(\.mmdSquared, 5)) | \(stat(\.sinkhorn, 4)) | \(stat(\.trainSeconds, 1)) |\n"
        }
        return out
    }

    /// Panels of samples over the target density, one per run, side by side.
    public static func figure(_ runs: [(TwoMoonsExperiment.Result, Tensor)]) -> String {
        let panelWidth = 320.0, panelHeight = 200.0, margin = 50.0
        var canvas = SVGCanvas(width: margin + Double(runs.count) * (panelWidth + margin), height: panelHeight + 2.4 * margin)
        let background = densityCells(columns: 80, rows: 50)
        for (index, (result, samples)) in runs.enumerated() {
            let panel = SVGCanvas.Panel(left: margin + Double(index) * (panelWidth + margin), top: margin,
                                        width: panelWidth, height: panelHeight, xRange: xRange, yRange: yRange)
            let cw = panelWidth / 80, ch = panelHeight / 50
            for cell in background {
                canvas.rect(x: panel.left + Double(cell.column) * cw, y: panel.top + Double(49 - cell.row) * ch,
                            width: cw + 0.3, height: ch + 0.3, fill: densityColour(cell.shade))
            }
            for i in 0..<min(samples.rows, 1000) {
                let (x, y) = (Double(samples[i, 0]), Double(samples[i, 1]))
                guard xRange.contains(x), yRange.contains(y) else { continue }
                let (px, py) = panel.pixel(x, y)
                canvas.circle(cx: px, cy: py, r: 1.3, fill: "#e6550d", opacity: 0.6)
            }
            canvas.axes(panel, ticks: 4)
            canvas.text("\(result.method.title), \(result.steps) steps, seed \(result.seed)",
                        x: panel.left + panelWidth / 2, y: margin - 22, size: 13, anchor: "middle", weight: "bold")
            canvas.text(String(format: "SWD %.4f   MMD² %.5f   Sinkhorn %.4f", result.slicedWasserstein, result.mmdSquared, result.sinkhorn),
                        x: panel.left + panelWidth / 2, y: margin - 7, size: 11, anchor: "middle")
        }
        canvas.text("Two-moons Boltzmann sampling: 1,000 samples (orange) over the target density (blue)",
                    x: canvas.width / 2, y: panelHeight + 2.1 * margin, size: 12, anchor: "middle")
        return canvas.svg
    }

    struct Cell { let column: Int, row: Int, shade: Double }

    /// The target density on a grid, as shades in [0, 1] (square root of p / max p, for contrast).
    static func densityCells(columns: Int, rows: Int) -> [Cell] {
        let points = Tensor(rows: columns * rows, cols: 2)
        for r in 0..<rows {
            for c in 0..<columns {
                points[r * columns + c, 0] = Float(xRange.lowerBound + (Double(c) + 0.5) / Double(columns) * (xRange.upperBound - xRange.lowerBound))
                points[r * columns + c, 1] = Float(yRange.lowerBound + (Double(r) + 0.5) / Double(rows) * (yRange.upperBound - yRange.lowerBound))
            }
        }
        let p = TwoMoons().density(points)
        let top = Double(p.max() ?? 1)
        return (0..<(columns * rows)).map { Cell(column: $0 % columns, row: $0 / columns, shade: (Double(p[$0]) / top).squareRoot()) }
    }
}

import Foundation

/// Learning-curve pictures: evaluation return against environment steps.
public enum LearningCurve {
    /// One labelled curve: (step, mean, low, high) points drawn as a line with a shaded band.
    public typealias Series = (label: String, colour: String, points: [(Int, Double, Double, Double)])

    /// One run's curve (mean with a ±1 std band over its evaluation episodes).
    public static func svg(_ points: [(step: Int, mean: Double, std: Double)], title: String) -> String {
        bands([(title, "#1f77b4", points.map { ($0.step, $0.mean, $0.mean - $0.std, $0.mean + $0.std) })],
              title: title, yLabel: "evaluation return")
    }

    /// Several labelled curves, each a line with a shaded band `[low, high]` (the paper's
    /// min–max over seeds), on shared axes.
    public static func bands(_ series: [Series], title: String, yLabel: String) -> String {
        var canvas = SVGCanvas(width: 640, height: 400)
        let maxStep = Double(max(series.flatMap(\.points).map(\.0).max() ?? 1, 1))
        let panel = panel(for: series, maxStep: maxStep, left: 70, top: 40, width: 540, height: 300)
        draw(series, in: panel, on: &canvas)
        canvas.axes(panel, ticks: 5, xLabel: "environment steps", yLabel: yLabel)
        canvas.text(title, x: 340, y: 24, size: 14, anchor: "middle", weight: "bold")
        if series.count > 1 {
            for (i, s) in series.enumerated() {
                canvas.rect(x: 80, y: 50 + Double(i) * 16, width: 12, height: 3, fill: s.colour)
                canvas.text(s.label, x: 98, y: 55 + Double(i) * 16, size: 11)
            }
        }
        return canvas.svg
    }

    /// A panel at the given place whose x axis runs from 0 to `maxStep` and whose y axis covers
    /// every band of `series` with 5% padding (or ±1 around a flat curve, so the range is never
    /// empty).
    public static func panel(for series: [Series], maxStep: Double, left: Double, top: Double,
                             width: Double, height: Double) -> SVGCanvas.Panel {
        let all = series.flatMap(\.points)
        var lo = all.map(\.2).min() ?? 0, hi = all.map(\.3).max() ?? 1
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let pad = 0.05 * (hi - lo)
        return SVGCanvas.Panel(left: left, top: top, width: width, height: height,
                               xRange: 0...maxStep, yRange: (lo - pad)...(hi + pad))
    }

    /// Each series' band (20% opacity) and mean line, in `panel`.
    public static func draw(_ series: [Series], in panel: SVGCanvas.Panel, on canvas: inout SVGCanvas) {
        for s in series where !s.points.isEmpty {
            let upper = s.points.map { panel.pixel(Double($0.0), $0.3) }
            let lower = s.points.reversed().map { panel.pixel(Double($0.0), $0.2) }
            canvas.polygon(upper + lower, fill: s.colour, opacity: 0.2)
            canvas.polyline(s.points.map { panel.pixel(Double($0.0), $0.1) }, stroke: s.colour, width: 2)
        }
    }
}

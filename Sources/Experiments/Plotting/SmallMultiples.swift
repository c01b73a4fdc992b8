import Foundation
import ReverseFlow

/// Small multiples: one learning-curve panel per task in a grid (4 × 2 for the paper's eight
/// DeepMind Control tasks), every agent in the same colour in every panel and one legend for
/// all, so a whole table's curves read at a glance.
public enum SmallMultiples {
    /// Pixel sizes of one grid cell and of the panel inside it; the margins leave room for tick
    /// labels on every panel and axis titles on the outer ones.
    static let cellWidth = 260.0, cellHeight = 210.0
    static let panelLeft = 58.0, panelTop = 26.0, panelWidth = 186.0, panelHeight = 140.0
    static let header = 56.0

    /// The grid: `panels` left to right, top to bottom, `columns` per row. The x axis (0 to the
    /// last step of any panel) is shared, the y axis fits each panel, since tasks' returns differ
    /// in scale. `legend` lists each (label, colour) once, under the title.
    public static func svg(_ panels: [(title: String, series: [LearningCurve.Series])], legend: [(label: String, colour: String)],
                           title: String, yLabel: String, columns: Int = 4) -> String {
        let columns = max(1, min(columns, panels.count))
        let rows = (panels.count + columns - 1) / columns
        var canvas = SVGCanvas(width: Double(columns) * cellWidth + 10, height: header + Double(max(rows, 1)) * cellHeight)
        canvas.text(title, x: 12, y: 22, size: 15, weight: "bold")
        var x = 12.0
        for entry in legend {
            canvas.rect(x: x, y: 36, width: 16, height: 4, fill: entry.colour)
            canvas.text(entry.label, x: x + 22, y: 42, size: 12)
            x += 22 + 7.5 * Double(entry.label.count) + 18
        }
        let maxStep = Double(max(panels.flatMap { $0.series.flatMap(\.points) }.map(\.0).max() ?? 1, 1))
        for (i, p) in panels.enumerated() {
            let row = i / columns, column = i % columns
            let left = Double(column) * cellWidth + panelLeft, top = header + Double(row) * cellHeight + panelTop
            let panel = LearningCurve.panel(for: p.series, maxStep: maxStep, left: left, top: top,
                                            width: panelWidth, height: panelHeight)
            LearningCurve.draw(p.series, in: panel, on: &canvas)
            // Axis titles on the outer panels only: the left column and the panels with none below.
            canvas.axes(panel, ticks: 5, xLabel: i + columns >= panels.count ? "environment steps" : nil,
                        yLabel: column == 0 ? yLabel : nil)
            canvas.text(p.title, x: left + panelWidth / 2, y: top - 8, size: 12, anchor: "middle", weight: "bold")
        }
        return canvas.svg
    }
}

import Foundation

/// A minimal SVG writer for the project's figures: panels with a data-to-pixel mapping, axes,
/// filled cells, points, lines and text. Output is a self-contained SVG file that any browser
/// shows.
public struct SVGCanvas {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body.append("<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>")
    }

    /// A rectangular plotting area of the canvas with data ranges on both axes.
    public struct Panel {
        public let left: Double, top: Double, width: Double, height: Double
        public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>

        public init(left: Double, top: Double, width: Double, height: Double,
                    xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
            self.left = left; self.top = top; self.width = width; self.height = height
            self.xRange = xRange; self.yRange = yRange
        }

        /// Pixel coordinates of a data point (y grows upwards in data, downwards in pixels).
        public func pixel(_ x: Double, _ y: Double) -> (Double, Double) {
            let px = left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * width
            let py = top + height - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * height
            return (px, py)
        }
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
        body.append("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"\(fill)\"\(s)/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, opacity: Double = 1) {
        body.append("<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f(r))\" fill=\"\(fill)\" fill-opacity=\"\(f(opacity))\"/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        let d = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        let dashAttr = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append("<polyline points=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"\(dashAttr)/>")
    }

    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        let d = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        body.append("<polygon points=\"\(d)\" fill=\"\(fill)\" fill-opacity=\"\(f(opacity))\" stroke=\"none\"/>")
    }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                              weight: String = "normal", rotate: Double? = nil) {
        let r = rotate.map { " transform=\"rotate(\(f($0)) \(f(x)) \(f(y)))\"" } ?? ""
        body.append("<text x=\"\(f(x))\" y=\"\(f(y))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(f(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\"\(r)>\(escape(s))</text>")
    }

    /// A frame around the panel with about `ticks` labelled ticks per axis, at round values.
    public mutating func axes(_ p: Panel, ticks: Int = 5, xLabel: String? = nil, yLabel: String? = nil) {
        rect(x: p.left, y: p.top, width: p.width, height: p.height, fill: "none", stroke: "#444")
        for xv in Self.niceTicks(p.xRange, about: ticks) {
            let (px, _) = p.pixel(xv, p.yRange.lowerBound)
            polyline([(px, p.top + p.height), (px, p.top + p.height + 4)], stroke: "#444", width: 1)
            text(Self.tickLabel(xv, scale: max(abs(p.xRange.lowerBound), abs(p.xRange.upperBound))),
                 x: px, y: p.top + p.height + 16, size: 10, anchor: "middle")
        }
        for yv in Self.niceTicks(p.yRange, about: ticks) {
            let (_, py) = p.pixel(p.xRange.lowerBound, yv)
            polyline([(p.left - 4, py), (p.left, py)], stroke: "#444", width: 1)
            text(Self.tickLabel(yv, scale: max(abs(p.yRange.lowerBound), abs(p.yRange.upperBound))),
                 x: p.left - 6, y: py + 3, size: 10, anchor: "end")
        }
        if let xLabel { text(xLabel, x: p.left + p.width / 2, y: p.top + p.height + 32, size: 11, anchor: "middle") }
        if let yLabel { text(yLabel, x: p.left - 42, y: p.top + p.height / 2, size: 11, anchor: "middle", rotate: -90) }
    }

    /// Round tick values (multiples of 1, 2 or 5 × 10ᵏ) inside `range`, about `count` of them.
    static func niceTicks(_ range: ClosedRange<Double>, about count: Int) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, count > 0 else { return [range.lowerBound] }
        let raw = span / Double(count)
        let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var v = (range.lowerBound / step).rounded(.up) * step
        var out: [Double] = []
        while v <= range.upperBound + 1e-9 * span {
            out.append(abs(v) < 1e-12 * span ? 0 : v)
            v += step
        }
        return out
    }

    /// A tick label; thousands as "k" when the axis reaches 10,000.
    static func tickLabel(_ v: Double, scale: Double) -> String {
        if scale >= 10000 { return v == 0 ? "0" : String(format: "%gk", v / 1000) }
        return String(format: "%g", v)
    }

    /// The document.
    public var svg: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\">\n"
            + body.joined(separator: "\n") + "\n</svg>\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.2f", v) }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// A perceptually ordered colour ramp from white through blue (for densities).
public func densityColour(_ u: Double) -> String {
    let t = min(max(u, 0), 1)
    let stops: [(Double, Double, Double)] = [(255, 255, 255), (198, 219, 239), (107, 174, 214), (33, 113, 181), (8, 48, 107)]
    let x = t * Double(stops.count - 1)
    let i = min(Int(x), stops.count - 2), w = x - Double(i)
    let c = (0..<3).map { k -> Int in
        let a = [stops[i].0, stops[i].1, stops[i].2][k], b = [stops[i + 1].0, stops[i + 1].1, stops[i + 1].2][k]
        return Int((a + (b - a) * w).rounded())
    }
    return String(format: "#%02x%02x%02x", c[0], c[1], c[2])
}

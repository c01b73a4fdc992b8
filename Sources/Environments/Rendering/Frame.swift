/// One video frame: `height` rows of `width` RGB pixels (8 bits each), top row first.
public struct Frame: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `3 · width · height` bytes, row-major, top row first.
    public var rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        precondition(rgb.count == 3 * width * height, "Frame: \(rgb.count) bytes for \(width)×\(height)")
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// A frame filled with one colour.
    public init(width: Int, height: Int, fill: RGB) {
        self.init(width: width, height: height, rgb: [UInt8]((0 ..< width * height).lazy.flatMap { _ in [fill.r, fill.g, fill.b] }))
    }

    public struct RGB: Equatable, Sendable {
        public var r, g, b: UInt8
        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }
        public static let white = RGB(255, 255, 255)
        public static let black = RGB(0, 0, 0)
    }

    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = 3 * (y * width + x)
            return RGB(rgb[i], rgb[i + 1], rgb[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }  // drawing clips
            let i = 3 * (y * width + x)
            (rgb[i], rgb[i + 1], rgb[i + 2]) = (newValue.r, newValue.g, newValue.b)
        }
    }

    /// Fills the axis-aligned rectangle (clipped to the frame).
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for py in y0 ..< y1 {
            for px in x0 ..< x1 { self[px, py] = colour }
        }
    }

    /// Fills the disc of radius `r` around (cx, cy).
    public mutating func fillDisc(cx: Double, cy: Double, r: Double, _ colour: RGB) {
        for py in Int((cy - r).rounded(.down)) ... Int((cy + r).rounded(.up)) {
            for px in Int((cx - r).rounded(.down)) ... Int((cx + r).rounded(.up)) {
                let dx = Double(px) + 0.5 - cx, dy = Double(py) + 0.5 - cy
                if dx * dx + dy * dy <= r * r { self[px, py] = colour }
            }
        }
    }

    /// A segment of thickness `thickness` from (x0, y0) to (x1, y1), with round ends.
    public mutating func drawLine(x0: Double, y0: Double, x1: Double, y1: Double, thickness: Double, _ colour: RGB) {
        let length = max(abs(x1 - x0), abs(y1 - y0))
        let n = max(1, Int(length.rounded(.up)))
        for i in 0 ... n {
            let t = Double(i) / Double(n)
            fillDisc(cx: x0 + t * (x1 - x0), cy: y0 + t * (y1 - y0), r: thickness / 2, colour)
        }
    }
}

import Environments

/// A 3 × 5 pixel font for burning short captions ("return 812.3", "ep 2") into frames: digits,
/// minus, dot, space, colon and the lower-case letters such captions use. Other characters draw
/// as blanks.
public enum BitmapFont {
    public static let glyphWidth = 3, glyphHeight = 5

    /// Rows of each glyph, top first; bit 2 is the left column.
    static let glyphs: [Character: [UInt8]] = [
        "0": [0b111, 0b101, 0b101, 0b101, 0b111],
        "1": [0b010, 0b110, 0b010, 0b010, 0b111],
        "2": [0b111, 0b001, 0b111, 0b100, 0b111],
        "3": [0b111, 0b001, 0b011, 0b001, 0b111],
        "4": [0b101, 0b101, 0b111, 0b001, 0b001],
        "5": [0b111, 0b100, 0b111, 0b001, 0b111],
        "6": [0b111, 0b100, 0b111, 0b101, 0b111],
        "7": [0b111, 0b001, 0b010, 0b010, 0b010],
        "8": [0b111, 0b101, 0b111, 0b101, 0b111],
        "9": [0b111, 0b101, 0b111, 0b001, 0b111],
        "-": [0b000, 0b000, 0b111, 0b000, 0b000],
        ".": [0b000, 0b000, 0b000, 0b000, 0b010],
        ":": [0b000, 0b010, 0b000, 0b010, 0b000],
        " ": [0, 0, 0, 0, 0],
        "a": [0b000, 0b011, 0b101, 0b101, 0b011],
        "c": [0b000, 0b011, 0b100, 0b100, 0b011],
        "d": [0b001, 0b011, 0b101, 0b101, 0b011],
        "e": [0b000, 0b111, 0b111, 0b100, 0b011],
        "i": [0b010, 0b000, 0b010, 0b010, 0b010],
        "l": [0b110, 0b010, 0b010, 0b010, 0b111],
        "n": [0b000, 0b110, 0b101, 0b101, 0b101],
        "o": [0b000, 0b010, 0b101, 0b101, 0b010],
        "p": [0b000, 0b110, 0b101, 0b110, 0b100],
        "r": [0b000, 0b101, 0b110, 0b100, 0b100],
        "s": [0b000, 0b011, 0b110, 0b011, 0b110],
        "t": [0b010, 0b111, 0b010, 0b010, 0b001],
        "u": [0b000, 0b101, 0b101, 0b101, 0b011],
    ]

    /// Width in pixels of `text` at `scale` (one blank column between glyphs).
    public static func width(of text: String, scale: Int) -> Int {
        max(0, text.count * (glyphWidth + 1) - 1) * scale
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale` × `scale`
    /// square, on a dark box one font pixel wider all round so it reads over any scene.
    public static func draw(_ text: String, into frame: inout Frame, x: Int, y: Int, scale: Int = 2,
                            colour: Frame.RGB = .white, background: Frame.RGB? = Frame.RGB(0, 0, 0)) {
        if let background {
            frame.fillRect(x: x - scale, y: y - scale, width: width(of: text, scale: scale) + 2 * scale,
                           height: (glyphHeight + 2) * scale, background)
        }
        for (i, ch) in text.lowercased().enumerated() {
            guard let rows = glyphs[ch] else { continue }
            let left = x + i * (glyphWidth + 1) * scale
            for (row, bits) in rows.enumerated() {
                for col in 0 ..< glyphWidth where bits & (1 << (glyphWidth - 1 - col)) != 0 {
                    frame.fillRect(x: left + col * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
        }
    }
}

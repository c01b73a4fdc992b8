/// The bytes of the bridge's protocol, public so that its tests (and other front ends) can
/// speak it (`GymWorker/rfm_gym_worker.py` documents it too).
///
/// A frame is a little-endian `u32` payload length and the payload. A request is one opcode byte
/// and its body; a reply is `K` and its body, or `E` and a one-line UTF-8 message. Numbers are
/// little-endian: actions and observations Float32, the reward and set states Float64.
public enum GymFrame {
    public enum Op: UInt8, Sendable {
        case info = 0x49   // I
        case reset = 0x52  // R
        case step = 0x53   // S
        case setState = 0x58  // X
        case close = 0x43  // C
    }

    public static let ok: UInt8 = 0x4B     // K
    public static let error: UInt8 = 0x45  // E

    /// A whole request frame (length prefix included) in `out`, reusing its storage.
    public static func request(_ op: Op, into out: inout [UInt8], body: (inout [UInt8]) -> Void = { _ in }) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: [0, 0, 0, 0, op.rawValue])
        body(&out)
        let n = UInt32(out.count - 4)
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(i))) }
    }

    public static func append(_ values: [Float], to out: inout [UInt8]) {
        for v in values { append(v.bitPattern, to: &out) }
    }

    public static func append(_ values: [Double], to out: inout [UInt8]) {
        for v in values { append(v.bitPattern, to: &out) }
    }

    public static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        for i in 0..<(T.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    /// Reads little-endian numbers from a reply body, front to back.
    public struct Reader {
        public let bytes: [UInt8]
        public var offset: Int

        public init(_ bytes: [UInt8], from offset: Int = 0) {
            self.bytes = bytes
            self.offset = offset
        }

        public var remaining: Int { bytes.count - offset }

        public mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = T.bitWidth / 8
            guard remaining >= size else { throw GymFrameError.short }
            var v: T = 0
            for i in 0..<size { v |= T(bytes[offset + i]) << (8 * i) }
            offset += size
            return v
        }

        public mutating func floats(_ count: Int) throws -> [Float] {
            guard remaining >= 4 * count else { throw GymFrameError.short }
            return try (0..<count).map { _ in Float(bitPattern: try integer(UInt32.self)) }
        }

        public mutating func double() throws -> Double { Double(bitPattern: try integer(UInt64.self)) }
    }
}

/// A reply shorter than its request promised.
public enum GymFrameError: Error { case short }

/// One TensorBoard event, encoded by hand as the `tensorflow.Event` protocol buffer, and its
/// TFRecord framing.
///
/// Only the fields TensorBoard needs for scalars are written:
///
///     Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
///     Summary { repeated Value value = 1; }
///     Value   { string tag = 1; float simple_value = 2; }
///
/// A record is `uint64 length`, `uint32 masked CRC-32C of the length`, the data, `uint32 masked
/// CRC-32C of the data`, all little-endian.
public enum EventRecord {
    /// The first event of every file: names the format version.
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var e: [UInt8] = []
        double(1, wallTime, into: &e)
        bytes(3, Array("brain.Event:2".utf8), into: &e)
        return e
    }

    /// An event holding one scalar per entry of `scalars` (tags in the given order) at `step`.
    public static func scalars(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double) -> [UInt8] {
        var summary: [UInt8] = []
        for s in scalars {
            var value: [UInt8] = []
            bytes(1, Array(s.tag.utf8), into: &value)
            key(2, wireType: 5, into: &value)
            withUnsafeBytes(of: s.value.bitPattern.littleEndian) { value += $0 }
            bytes(1, value, into: &summary)
        }
        var e: [UInt8] = []
        double(1, wallTime, into: &e)
        key(2, wireType: 0, into: &e)
        varint(UInt64(bitPattern: Int64(step)), into: &e)
        bytes(5, summary, into: &e)
        return e
    }

    /// `data` framed as one TFRecord.
    public static func framed(_ data: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { length += $0 }
        var out = length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out += $0 }
        out += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out += $0 }
        return out
    }

    /// The step of an encoded event (0 when it has none, as the file-version event).
    static func step(of event: [UInt8]) -> Int? {
        var i = 0
        func readVarint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while i < event.count, shift < 64 {
                let b = event[i]; i += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }
        var step = 0
        while i < event.count {
            guard let k = readVarint() else { return nil }
            switch k & 7 {
            case 0: guard let v = readVarint() else { return nil }; if k >> 3 == 2 { step = Int(Int64(bitPattern: v)) }
            case 1: i += 8
            case 5: i += 4
            case 2: guard let n = readVarint() else { return nil }; i += Int(n)
            default: return nil
            }
        }
        return i == event.count ? step : nil
    }

    // MARK: Protocol-buffer encoding

    static func key(_ field: UInt64, wireType: UInt64, into out: inout [UInt8]) { varint(field << 3 | wireType, into: &out) }

    static func varint(_ v: UInt64, into out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    static func double(_ field: UInt64, _ v: Double, into out: inout [UInt8]) {
        key(field, wireType: 1, into: &out)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
    }

    static func bytes(_ field: UInt64, _ b: [UInt8], into out: inout [UInt8]) {
        key(field, wireType: 2, into: &out)
        varint(UInt64(b.count), into: &out)
        out += b
    }
}

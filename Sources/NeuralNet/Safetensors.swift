import Foundation
import TensorCore

/// Reading and writing the safetensors format (huggingface/safetensors), so checkpoints open in
/// Python with `safetensors.numpy.load_file`.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`
/// (padded with spaces to a multiple of 8), then the raw little-endian data.
///
/// Files this project writes carry a CRC-32 of the **whole file** in the metadata
/// (`file_crc32`, eight hex digits, computed with those digits set to `00000000`): the header's
/// every byte (tensor names, shapes, offsets, the trainer state in the metadata) and the data.
/// Reading checks it, so one flipped bit anywhere is caught, not loaded. A file without the key
/// is refused unless the caller asks for ``Verification/ifPresent`` (files written elsewhere,
/// e.g. by Python's `safetensors`).
///
/// Files written by earlier rfm builds, before the whole-file checksum, carry `data_crc32`
/// instead, a CRC-32 of the data section alone (lower-case hex, no leading zeros). They are still
/// read, so runs started by those builds resume: their data is checked, their header is not
/// covered, and the next checkpoint the run writes has the whole-file checksum.
public enum Safetensors {
    /// How strictly ``decode(_:source:verification:)`` insists on the file checksum.
    public enum Verification: Sendable {
        /// The file must carry `file_crc32` and match it (every file this program wrote does).
        case required
        /// Checked when present; a file without it (written by another program) is accepted.
        case ifPresent
    }

    /// The metadata key holding the whole-file CRC-32.
    public static let checksumKey = "file_crc32"
    /// The data-only CRC-32 of files written by rfm before `file_crc32` (see the type's documentation).
    public static let legacyDataChecksumKey = "data_crc32"
    /// The checksum's bytes while it is computed: the key with eight zero digits.
    static let checksumPlaceholder = "\"\(checksumKey)\":\"00000000\""

    /// One tensor read from a file.
    public struct Entry: Sendable {
        public let shape: [Int]
        public let values: [Float]
    }

    /// Writes `tensors` (names must be unique) and `metadata` to `url` atomically.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// The file's bytes for `tensors` and `metadata`.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> Data {
        var seen = Set<String>()
        var body = Data()
        var entries: [String] = []
        for t in tensors {
            guard seen.insert(t.name).inserted else { throw CheckpointError.duplicateName(t.name) }
            let begin = body.count
            if t.tensor.device == nil {
                body.append(UnsafeBufferPointer(start: t.tensor.data, count: t.tensor.count))
            } else {
                t.tensor.toArray().withUnsafeBufferPointer { body.append($0) }
            }
            let shape = t.tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(t.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(body.count)]}")
        }
        var meta = metadata
        meta[checksumKey] = "00000000"
        let metaJSON = meta.keys.sorted().map { "\(jsonString($0)):\(jsonString(meta[$0]!))" }.joined(separator: ",")
        var header = "{\"__metadata__\":{\(metaJSON)}" + entries.map { "," + $0 }.joined() + "}"
        while header.utf8.count % 8 != 0 { header += " " }
        var out = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(body)
        // The checksum covers every byte, its own eight digits counted as zeros.
        let digits = Array(String(format: "%08x", CRC32.checksum(out)).utf8)
        let at = checksumDigitsRange(in: [UInt8](out.prefix(8 + header.utf8.count)))!
        out.replaceSubrange(at, with: digits)
        return out
    }

    /// Where the eight hex digits of `file_crc32` sit in `headerBytes` (the length prefix and the
    /// header). Inside a JSON string every `"` is escaped, so the unescaped `"file_crc32":"` can
    /// only be the key itself.
    static func checksumDigitsRange(in headerBytes: [UInt8]) -> Range<Int>? {
        let key = Array("\"\(checksumKey)\":\"".utf8)
        guard headerBytes.count >= key.count + 8 else { return nil }
        for i in 0...(headerBytes.count - key.count - 8) where headerBytes[i] == key[0] {
            if Array(headerBytes[i..<(i + key.count)]) == key { return (i + key.count)..<(i + key.count + 8) }
        }
        return nil
    }

    /// Reads every tensor and the metadata of the file at `url`.
    /// `including` selects the tensors to materialise (all by default); the checksum always covers
    /// the whole file.
    public static func read(from url: URL, verification: Verification = .required,
                            including: (String) -> Bool = { _ in true }) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CheckpointError.unreadable(url.path)
        }
        return try decode(data, source: url.path, verification: verification, including: including)
    }

    /// Parses the bytes of a safetensors file; `source` names it in errors. Every size in the
    /// header is checked before it is used (no overflow, nothing past the end of the file).
    public static func decode(_ data: Data, source: String, verification: Verification = .required,
                              including: (String) -> Bool = { _ in true }) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw CheckpointError.corrupt(source, "file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw CheckpointError.corrupt(source, "header length \(headerLength) exceeds the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        guard let header = json as? [String: Any] else {
            throw CheckpointError.corrupt(source, "header is not a JSON object")
        }
        guard header["__metadata__"] == nil || header["__metadata__"] is [String: String] else {
            throw CheckpointError.corrupt(source, "the header's __metadata__ is not a map of strings")
        }
        let metadata = (header["__metadata__"] as? [String: String]) ?? [:]
        try verifyChecksum(bytes, dataStart: dataStart, metadata: metadata, source: source, verification: verification)
        let bodyCount = bytes.count - dataStart
        var tensors: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any],
                  let dtype = info["dtype"] as? String,
                  let shape = exactIntegers(info["shape"]),
                  let offsets = exactIntegers(info["data_offsets"]), offsets.count == 2
            else { throw CheckpointError.corrupt(source, "tensor '\(name)' has a malformed header entry") }
            guard dtype == "F32" else { throw CheckpointError.unsupportedType(name: name, dtype: dtype) }
            guard let count = elementCount(shape), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= bodyCount,
                  offsets[1] - offsets[0] == 4 * count
            else { throw CheckpointError.corrupt(source, "tensor '\(name)' has offsets \(offsets) inconsistent with shape \(shape) and \(bodyCount) data bytes") }
            guard including(name) else { continue }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(dataStart + offsets[0])..<(dataStart + offsets[1])]))
                }
            }
            tensors[name] = Entry(shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// Checks `file_crc32` (see the type's documentation).
    static func verifyChecksum(_ bytes: [UInt8], dataStart: Int, metadata: [String: String], source: String,
                               verification: Verification) throws {
        guard let expected = metadata[checksumKey] else {
            if let legacy = metadata[legacyDataChecksumKey] {
                guard UInt32(legacy, radix: 16) == CRC32.checksum(bytes[dataStart...]) else {
                    throw CheckpointError.corrupt(source, "data checksum mismatch (the file was modified or truncated)")
                }
                return
            }
            if verification == .ifPresent { return }
            throw CheckpointError.corrupt(source, "it has no '\(checksumKey)' checksum in its metadata (every file rfm writes has one; "
                + "the header was altered, or the file was written by another program)")
        }
        guard let at = checksumDigitsRange(in: Array(bytes[0..<dataStart])), String(decoding: bytes[at], as: UTF8.self) == expected else {
            throw CheckpointError.corrupt(source, "its '\(checksumKey)' entry is malformed")
        }
        var zeroed = bytes
        zeroed.replaceSubrange(at, with: Array("00000000".utf8))
        guard String(format: "%08x", CRC32.checksum(zeroed)) == expected else {
            throw CheckpointError.corrupt(source, "checksum mismatch (the file was modified or truncated)")
        }
    }

    /// A JSON array of whole numbers that fit an `Int`, or nil.
    static func exactIntegers(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [NSNumber] else { return nil }
        var out: [Int] = []
        for n in numbers {
            let d = n.doubleValue
            guard d == d.rounded(), abs(d) < 9.0e15, let i = Int(exactly: d) else { return nil }
            out.append(i)
        }
        return out
    }

    /// The number of elements of `shape`, or nil when a dimension is negative or the product
    /// overflows (or exceeds what a 4-byte element count can address).
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int.max / 4 else { return nil }
            count = p
        }
        return count
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

/// Why a checkpoint could not be written or loaded. Every case names the file or the tensor.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case corrupt(String, String)
    case duplicateName(String)
    case unsupportedType(name: String, dtype: String)
    case missingTensor(String)
    case unexpectedTensor(String)
    case shapeMismatch(name: String, file: [Int], expected: [Int])

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read checkpoint '\(path)'"
        case .corrupt(let path, let why): "checkpoint '\(path)' is corrupt: \(why)"
        case .duplicateName(let name): "tensor name '\(name)' appears twice"
        case .unsupportedType(let name, let dtype): "tensor '\(name)' has dtype \(dtype); only F32 is supported"
        case .missingTensor(let name): "checkpoint has no tensor '\(name)'"
        case .unexpectedTensor(let name): "checkpoint has an unexpected tensor '\(name)' (renamed or from another model?)"
        case .shapeMismatch(let name, let file, let expected): "tensor '\(name)' has shape \(file) in the checkpoint, the model expects \(expected)"
        }
    }
}

extension ParameterList {
    /// Loads every tensor of this list from `entries` by name. Each name must be present with the
    /// same shape; with `strict`, a tensor in the file that the list lacks is an error too.
    /// Nothing is modified unless every check passes.
    public func load(from entries: [String: Safetensors.Entry], strict: Bool = true) throws {
        for (name, tensor) in zip(names, tensors) {
            guard let e = entries[name] else { throw CheckpointError.missingTensor(name) }
            guard e.shape == tensor.shape else { throw CheckpointError.shapeMismatch(name: name, file: e.shape, expected: tensor.shape) }
        }
        if strict, let extra = Set(entries.keys).subtracting(names).sorted().first {
            throw CheckpointError.unexpectedTensor(extra)
        }
        for (name, tensor) in zip(names, tensors) {
            tensor.setValues(entries[name]!.values)
        }
    }

    /// The list as named tensors (for ``Safetensors/write(_:metadata:to:)``).
    public var named: [NamedTensor] { zip(names, tensors).map { NamedTensor($0, $1) } }
}

/// CRC-32 (IEEE 802.3 polynomial, as zlib computes it).
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        let done: Void? = bytes.withContiguousStorageIfAvailable { raw in
            for b in raw { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        if done == nil {
            for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

import Foundation

/// The run's TensorBoard event files in `RUN/tb/`: every `metrics.jsonl` row again, its scalars
/// under the same names at the same step, so `tensorboard --logdir runs/` shows training live.
///
/// Each record goes to the file with one `write` as its row is logged (no buffering), so a
/// reader sees it at once. Each trainer process starts a new file,
/// `events.out.tfevents.<unix time>.<host>` (TensorBoard merges the files of a folder). On resume,
/// the older files are first cut back to their records at or before the checkpoint's step, as
/// `metrics.jsonl` is, so the rows re-run after the checkpoint are not shown twice; a record torn
/// by a kill is cut too.
public final class TensorBoardLog {
    /// `RUN/tb`.
    public let directory: URL
    /// The file this process appends to.
    public let fileURL: URL
    let handle: FileHandle

    /// The folder of a run's event files.
    public static func directory(in runDirectory: URL) -> URL { runDirectory.appendingPathComponent("tb") }

    /// Starts a new event file in `RUN/tb`; with `resumingAt`, first cuts the existing files back to
    /// that step.
    public init(runDirectory: URL, resumingAt step: Int? = nil, now: Date = Date()) throws {
        directory = Self.directory(in: runDirectory)
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        if let step { try Self.cutBack(directory, toStep: step) }
        let stem = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(Self.hostName())"
        var url = directory.appendingPathComponent(stem)
        var n = 1
        while fm.fileExists(atPath: url.path) {  // a resume within the same second
            url = directory.appendingPathComponent("\(stem).\(n)")
            n += 1
        }
        fileURL = url
        guard fm.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: EventRecord.framed(EventRecord.fileVersion(wallTime: now.timeIntervalSince1970)))
    }

    deinit { try? handle.close() }

    /// The machine's name as `gethostname` gives it (no DNS lookup, which can hang on a cluster
    /// node), reduced to `[A-Za-z0-9._-]` for a file name.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let safe = String(name.unicodeScalars.map { c -> Character in
            ("0"..."9").contains(c) || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || "._-".unicodeScalars.contains(c)
                ? Character(c) : "_"
        })
        return safe.isEmpty ? "localhost" : safe
    }

    /// Appends one row's finite scalars (as `metrics.jsonl` writes non-finite ones as null, which
    /// reads back as absent) at `step`, tags sorted.
    public func append(step: Int, _ row: [String: Double], wallTime: Double = Date().timeIntervalSince1970) throws {
        let scalars = row.keys.sorted().compactMap { key in row[key]!.isFinite ? (key, Float(row[key]!)) : nil }
        guard !scalars.isEmpty else { return }
        try handle.write(contentsOf: EventRecord.framed(EventRecord.scalars(scalars, step: step, wallTime: wallTime)))
    }

    /// Cuts every event file in `directory` before its first record that is incomplete, fails its
    /// checksums, or holds a step after `step`.
    static func cutBack(_ directory: URL, toStep step: Int) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("tfevents") }
        for name in names {
            let url = directory.appendingPathComponent(name)
            let bytes = [UInt8](try Data(contentsOf: url))
            let keep = validPrefix(bytes, throughStep: step)
            if keep < bytes.count {
                let h = try FileHandle(forWritingTo: url)
                defer { try? h.close() }
                try h.truncate(atOffset: UInt64(keep))
            }
        }
    }

    /// The length of the longest run of whole, intact records at the start of `bytes` whose steps
    /// are at most `step`.
    static func validPrefix(_ bytes: [UInt8], throughStep step: Int) -> Int {
        func u64(_ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) } }
        func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) } }
        var at = 0
        while at + 12 <= bytes.count {
            let lengthBytes = Array(bytes[at..<at + 8])
            guard u32(at + 8) == CRC32C.masked(lengthBytes) else { break }
            let length = u64(at)
            guard bytes.count - at >= 16, length <= UInt64(bytes.count - at - 16) else { break }
            let data = Array(bytes[at + 12..<at + 12 + Int(length)])
            guard u32(at + 12 + Int(length)) == CRC32C.masked(data),
                  let s = EventRecord.step(of: data), s <= step else { break }
            at += 16 + Int(length)
        }
        return at
    }
}

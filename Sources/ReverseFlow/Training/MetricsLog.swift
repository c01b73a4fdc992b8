import Foundation

/// The run's metric files: `metrics.jsonl` (one JSON object per row) and `metrics.csv` (fixed
/// columns, empty cells where a row lacks a key). Rows are appended and flushed as they come;
/// on resume both files are cut back to their length at the checkpoint, so no row is repeated.
public final class MetricsLog {
    public let columns: [String]
    let jsonl: FileHandle
    let csv: FileHandle
    public let jsonlURL: URL
    public let csvURL: URL

    /// Opens (creating when needed) the files in `dir`. `truncateTo` gives the byte lengths to
    /// cut back to when resuming.
    public init(directory dir: URL, columns: [String], truncateTo: (jsonl: UInt64, csv: UInt64)? = nil) throws {
        self.columns = columns
        jsonlURL = dir.appendingPathComponent("metrics.jsonl")
        csvURL = dir.appendingPathComponent("metrics.csv")
        let fm = FileManager.default
        let fresh = truncateTo == nil
        if fresh || !fm.fileExists(atPath: jsonlURL.path) { fm.createFile(atPath: jsonlURL.path, contents: nil) }
        if fresh || !fm.fileExists(atPath: csvURL.path) {
            fm.createFile(atPath: csvURL.path, contents: Data((columns.joined(separator: ",") + "\n").utf8))
        }
        jsonl = try FileHandle(forWritingTo: jsonlURL)
        csv = try FileHandle(forWritingTo: csvURL)
        if let t = truncateTo {
            try jsonl.truncate(atOffset: t.jsonl)
            try csv.truncate(atOffset: t.csv)
        }
        try jsonl.seekToEnd()
        try csv.seekToEnd()
    }

    /// Current byte lengths (saved in checkpoints).
    public func offsets() throws -> (jsonl: UInt64, csv: UInt64) {
        (try jsonl.offset(), try csv.offset())
    }

    /// Appends one row; `step` is always the first key.
    public func append(step: Int, _ row: [String: Double]) throws {
        var fields = ["\"step\":\(step)"]
        for key in row.keys.sorted() { fields.append("\"\(key)\":\(Self.json(row[key]!))") }
        try jsonl.write(contentsOf: Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
        let cells = columns.map { c -> String in
            if c == "step" { return String(step) }
            return row[c].map { Self.csvNumber($0) } ?? ""
        }
        try csv.write(contentsOf: Data((cells.joined(separator: ",") + "\n").utf8))
    }

    public func flush() throws {
        try jsonl.synchronize()
        try csv.synchronize()
    }

    static func json(_ v: Double) -> String { v.isFinite ? csvNumber(v) : "null" }

    static func csvNumber(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }

    /// Reads back `metrics.jsonl` rows (for reports and tests).
    public static func readRows(_ url: URL) throws -> [[String: Double]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return obj.compactMapValues { ($0 as? NSNumber)?.doubleValue }
        }
    }

    /// Reads back `metrics.csv` rows, the same rows as ``readRows(_:)`` gives for the JSON lines:
    /// empty cells are keys the row lacks, and non-finite values are dropped as the JSON file
    /// writes them as `null`. Reports fall back to it when a run folder has no `metrics.jsonl`.
    public static func readCSVRows(_ url: URL) throws -> [[String: Double]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first else { return [] }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            var row: [String: Double] = [:]
            for (column, cell) in zip(columns, line.split(separator: ",", omittingEmptySubsequences: false)) {
                if let v = Double(cell), v.isFinite { row[column] = v }
            }
            return row
        }
    }
}

import Foundation
import ReverseFlow

/// What a report needs from one run folder: its cell, evaluations, diagnostics and cost.
public struct RunRecord: Sendable {
    public let directory: URL
    public let task: String
    /// Agent, or `agent-variant` for sweep cells.
    public let label: String
    public let seed: Int
    /// (environment step, mean evaluation return).
    public let evaluations: [(step: Int, value: Double)]
    /// Training diagnostics by metric name, each a series of (step, value).
    public let diagnostics: [String: [(step: Int, value: Double)]]
    public let steps: Int
    public let wallSeconds: Double?
    public let finished: Bool
    /// A clip of the run's policy (`video.gif`, written by `rfm render --format gif` or by
    /// training with `trainer.video_interval`), if the folder has one.
    public var video: URL?

    public var finalReturn: Double? { evaluations.last?.value }

    static let diagnosticKeys = ["estimator/ess", "estimator/coefficient", "agent/temperature", "agent/alpha"]

    /// Reads a run folder: `config.yaml`, its metrics (`metrics.jsonl`, else `metrics.csv`: a
    /// report needs only the files a run commits, never its checkpoints or `train.log`), and the
    /// optional `summary.json` and `sweep_run.json`. The task and label must be ``SafeName``s,
    /// since the report builds file names from them.
    public static func load(_ directory: URL) throws -> RunRecord {
        // Only four keys matter here, so the file is read without validating it against this
        // version's schema: a report can cover runs written by any version.
        let path = directory.appendingPathComponent("config.yaml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConfigError("cannot read \(path)") }
        let config = RunConfig.flatten(try RunConfig.document(text, source: path))
        func field(_ key: String) throws -> String {
            guard let v = config[key] else { throw ConfigError("\(path): missing config key '\(key)'") }
            return "\(v)"
        }
        guard let seed = Int(try field("seed")), let totalSteps = Int(try field("trainer.steps")) else {
            throw ConfigError("\(path): seed and trainer.steps must be integers")
        }
        let task = try SafeName.checked(try field("env"), "env", in: path)
        var label = try SafeName.checked(try field("agent"), "agent", in: path)
        let sweepRun = directory.appendingPathComponent("sweep_run.json")
        if let data = try? Data(contentsOf: sweepRun),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: String], let l = obj["label"] {
            label = try SafeName.checked(l, "label", in: sweepRun.path)
        }
        let rows = try metricRows(directory)
        var evaluations: [(Int, Double)] = []
        var diagnostics: [String: [(step: Int, value: Double)]] = [:]
        var lastStep = 0
        for row in rows {
            guard let s = row["step"] else { continue }
            let step = Int(s)
            lastStep = max(lastStep, step)
            if let e = row["eval/return"] { evaluations.append((step, e)) }
            for key in diagnosticKeys { if let v = row[key] { diagnostics[key, default: []].append((step, v)) } }
        }
        var wall: Double?, finished = false
        if let data = try? Data(contentsOf: directory.appendingPathComponent("summary.json")),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            wall = obj["wall_seconds"] as? Double
            if let s = obj["steps"] as? Int { finished = s >= totalSteps; lastStep = max(lastStep, s) }
        }
        let gif = directory.appendingPathComponent("video.gif")
        return RunRecord(directory: directory, task: task, label: label, seed: seed,
                         evaluations: evaluations.map { (step: $0.0, value: $0.1) }, diagnostics: diagnostics,
                         steps: lastStep, wallSeconds: wall, finished: finished,
                         video: FileManager.default.fileExists(atPath: gif.path) ? gif : nil)
    }

    /// The metric rows of a run: `metrics.jsonl` when present, else `metrics.csv`, else none.
    static func metricRows(_ directory: URL) throws -> [[String: Double]] {
        let fm = FileManager.default
        let jsonl = directory.appendingPathComponent("metrics.jsonl"), csv = directory.appendingPathComponent("metrics.csv")
        if fm.fileExists(atPath: jsonl.path) { return try MetricsLog.readRows(jsonl) }
        if fm.fileExists(atPath: csv.path) { return try MetricsLog.readCSVRows(csv) }
        return []
    }

    /// Every run folder (a folder holding `config.yaml` and `metrics.jsonl` or `metrics.csv`)
    /// under `roots`.
    public static func find(under roots: [URL]) -> [URL] {
        var found: [URL] = []
        let fm = FileManager.default
        for root in roots {
            if fm.fileExists(atPath: root.appendingPathComponent("config.yaml").path) { found.append(root); continue }
            guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.lastPathComponent == "config.yaml" {
                let dir = url.deletingLastPathComponent()
                if ["metrics.jsonl", "metrics.csv"].contains(where: { fm.fileExists(atPath: dir.appendingPathComponent($0).path) }) {
                    found.append(dir)
                }
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Every run folder under `roots` that can be read, and the ones that cannot with the reason.
    /// One broken run (a hand-edited `config.yaml`, a truncated metrics file, a hostile name) must
    /// not cost the report of a whole sweep: the caller warns about the skipped ones and goes on.
    public static func loadAll(under roots: [URL]) -> (runs: [RunRecord], skipped: [(directory: URL, reason: String)]) {
        var runs: [RunRecord] = [], skipped: [(directory: URL, reason: String)] = []
        for dir in find(under: roots) {
            do { runs.append(try load(dir)) } catch { skipped.append((dir, "\(error)")) }
        }
        return (runs, skipped)
    }
}

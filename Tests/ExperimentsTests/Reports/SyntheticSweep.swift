import Foundation

/// A sweep folder written by hand in a temporary directory: run folders with the files a
/// committed run keeps (`config.yaml`, `metrics.jsonl` or `metrics.csv`, `summary.json`), so
/// report tests know every number they check.
struct SyntheticSweep {
    let root: URL

    init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// `runs/<task>/<agent>/seed<k>/` with one `eval/return` row per entry of `evaluations`, a
    /// training row before each, and a `summary.json` when `wallSeconds` is given (as the
    /// trainer writes it only when a run finishes).
    @discardableResult
    func run(_ task: String, _ agent: String, seed: Int, steps: Int, evaluations: [(Int, Double)],
             wallSeconds: Double? = nil, folder: String? = nil) throws -> URL {
        let dir = root.appendingPathComponent("runs/\(folder ?? "\(task)/\(agent)/seed\(seed)")")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try write("# Resolved configuration of this run.\nseed: \(seed)\nagent: \(agent)\nenv: \(task)\ntrainer:\n  steps: \(steps)\n",
                  dir, "config.yaml")
        let rows = evaluations.flatMap { step, value in
            ["{\"step\":\(step - 1),\"train/episode_return\":1.5}", "{\"step\":\(step),\"eval/return\":\(value),\"eval/return_std\":2}"]
        }
        try write(rows.joined(separator: "\n") + "\n", dir, "metrics.jsonl")
        if let wallSeconds {
            try write("{\"steps\": \(steps), \"wall_seconds\": \(wallSeconds), \"agent\": \"\(agent)\"}", dir, "summary.json")
        }
        return dir
    }

    func write(_ text: String, _ dir: URL, _ name: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    /// Every regular file under `root`, as paths relative to it.
    var files: Set<String> {
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var out: Set<String> = []
        while let url = walker?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                out.insert(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
            }
        }
        return out
    }
}

import Environments
import Foundation
import ReverseFlow

/// A grid of training runs: tasks × agents (× variants) × seeds, from a small YAML file.
///
/// ```yaml
/// out: runs/dmc-small            # root folder (default runs/sweep-<file name>)
/// preset: cpu                    # or  config: my.yaml
/// tasks: [cartpole-swingup, finger-spin]
/// agents: [rfm, sac]
/// seeds: [0, 1, 2]
/// steps: 50000                   # optional: trainer.steps for every run
/// set:                           # optional: overrides for every run
///   critic.hidden: 128
/// variants:                      # optional: named override sets (ablations), applied per agent
///   - name: noise
///     set: {rfm.estimator: noise}
/// ```
///
/// Each run lives in `<out>/<task>/<agent>[-<variant>]/seed<k>/`, an ordinary run folder plus
/// `sweep_run.json` naming its cell, so `rfm report` can label it.
public struct SweepSpec: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public let name: String
        public let assignments: [String]
    }

    public let out: String
    public let preset: String?
    public let configFile: String?
    public let tasks: [String]
    public let agents: [String]
    public let seeds: [Int]
    public let steps: Int?
    public let assignments: [String]
    public let variants: [Variant]

    static let keys: Set<String> = ["out", "preset", "config", "tasks", "agents", "seeds", "steps", "set", "variants"]

    /// Parses and checks a sweep file (at most ``YAMLInput/maxFileBytes``); errors name the
    /// file and the key.
    public static func load(_ path: String) throws -> SweepSpec {
        let text = try YAMLInput.read(path, what: "sweep file")
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, defaultOut: "runs/sweep-\(name)", source: path)
    }

    /// Parses a sweep. Task, agent and variant names become folder names, so each must pass
    /// ``PathComponent/validate(_:what:)``; `out` must be one path without control characters.
    public static func parse(_ text: String, defaultOut: String, source: String = "sweep") throws -> SweepSpec {
        let source = PathComponent.escaped(source)
        let root = try YAMLInput.load(text, source: source)
        guard let map = root as? [String: Any] else { throw ConfigError("\(source): expected a mapping of keys") }
        for key in map.keys.sorted() where !keys.contains(key) {
            throw ConfigError("\(source): unknown sweep key '\(PathComponent.escaped(key))'; known: \(keys.sorted().joined(separator: ", "))")
        }
        func string(_ key: String) throws -> String? {
            guard let v = map[key] else { return nil }
            guard let s = v as? String, !s.isEmpty else { throw ConfigError("\(source): '\(key)' must be a non-empty string, got \(describe(v))") }
            return s
        }
        func list(_ key: String) throws -> [Any] {
            guard let v = map[key] else { throw ConfigError("\(source): missing '\(key)' (a list)") }
            let list = (v as? [Any]) ?? [v]
            guard !list.isEmpty else { throw ConfigError("\(source): '\(key)' is empty") }
            return list
        }
        func names(_ key: String, what: String) throws -> [String] {
            let out = try list(key).map { v -> String in
                guard let s = v as? String else { throw ConfigError("\(source): every entry of '\(key)' must be a name, got \(describe(v))") }
                return try PathComponent.validate(s, what: "\(source): \(what)")
            }
            guard Set(out).count == out.count else { throw ConfigError("\(source): '\(key)' lists a value twice") }
            return out
        }
        let seeds = try list("seeds").map { s -> Int in
            guard let i = s as? Int, i >= 0 else { throw ConfigError("\(source): seeds must be non-negative integers, got \(describe(s))") }
            return i
        }
        guard Set(seeds).count == seeds.count else { throw ConfigError("\(source): 'seeds' lists a value twice") }
        var steps: Int?
        if let s = map["steps"] {
            guard let i = s as? Int, i >= 1 else { throw ConfigError("\(source): 'steps' must be a positive integer, got \(describe(s))") }
            steps = i
        }
        var chosen = ["env": "tasks", "agent": "agents", "seed": "seeds"]
        if steps != nil { chosen["trainer.steps"] = "steps" }
        var variants: [Variant] = []
        if let v = map["variants"] {
            guard let list = v as? [[String: Any]], !list.isEmpty else {
                throw ConfigError("\(source): 'variants' must be a list of {name, set}")
            }
            for item in list {
                guard let name = item["name"] as? String else { throw ConfigError("\(source): every variant needs a 'name'") }
                try PathComponent.validate(name, what: "\(source): variant name")
                for k in item.keys.sorted() where k != "name" && k != "set" {
                    throw ConfigError("\(source): variant '\(name)' has unknown key '\(PathComponent.escaped(k))' (expected name, set)")
                }
                variants.append(Variant(name: name, assignments: try SweepAssignments.make(item["set"], key: "variants.\(name).set", source: source, chosenBy: chosen)))
            }
            guard Set(variants.map(\.name)).count == variants.count else { throw ConfigError("\(source): two variants share a name") }
        }
        let preset = try string("preset"), config = try string("config")
        if preset != nil && config != nil { throw ConfigError("\(source): give either 'preset' or 'config', not both") }
        let out = try string("out") ?? defaultOut
        try PathComponent.validatePath(out, what: "\(source): 'out'")
        return SweepSpec(out: out, preset: preset, configFile: config,
                         tasks: try names("tasks", what: "task"), agents: try names("agents", what: "agent"), seeds: seeds, steps: steps,
                         assignments: try SweepAssignments.make(map["set"], key: "set", source: source, chosenBy: chosen), variants: variants)
    }

    /// A YAML value for an error message, on one line.
    static func describe(_ value: Any) -> String {
        value is NSNull ? "null" : "'\(PathComponent.escaped("\(value)"))'"
    }

    /// Every run of the grid in a fixed order (task, agent, variant, seed): the array index
    /// used by `rfm sweep --index` and the Slurm array.
    public func runs() throws -> [SweepRun] {
        let base = try configFile.map { try RunConfig.file($0) } ?? RunConfig.preset(preset ?? "cpu")
        var runs: [SweepRun] = []
        let cells: [Variant?] = variants.isEmpty ? [nil] : variants.map { $0 }
        for task in tasks {
            guard EnvironmentRegistry.names.contains(task) else {
                throw ConfigError("unknown environment '\(task)' in the sweep; available: \(EnvironmentRegistry.names.joined(separator: ", "))")
            }
            for agent in agents {
                for variant in cells {
                    for seed in seeds {
                        var sets = assignments + ["env=\(task)", "agent=\(agent)", "seed=\(seed)"]
                        if let steps { sets.append("trainer.steps=\(steps)") }
                        sets += variant?.assignments ?? []
                        let config = try base.overriding(sets)
                        let label = variant.map { "\(agent)-\($0.name)" } ?? agent
                        let dir = URL(fileURLWithPath: out).appendingPathComponent(task).appendingPathComponent(label)
                            .appendingPathComponent("seed\(seed)")
                        runs.append(SweepRun(index: runs.count, task: task, label: label, seed: seed, config: config, directory: dir))
                    }
                }
            }
        }
        return runs
    }
}

/// One cell of a sweep.
public struct SweepRun: Sendable, Equatable {
    public let index: Int
    public let task: String
    /// Agent, or `agent-variant`.
    public let label: String
    public let seed: Int
    public let config: RunConfig
    public let directory: URL

    public enum Status: String, Sendable { case new, partial, finished }

    /// `finished` once `summary.json` records all steps; `partial` with a checkpoint to resume.
    public var status: Status {
        let summary = directory.appendingPathComponent("summary.json")
        if let data = try? Data(contentsOf: summary),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let steps = obj["steps"] as? Int, steps >= config.int("trainer.steps") {
            return .finished
        }
        return FileManager.default.fileExists(atPath: Checkpoint.url(in: directory).path) ? .partial : .new
    }
}

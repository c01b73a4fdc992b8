import Foundation

/// A configuration value after validation.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case null
    case text(String)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .boolean(let v): v ? "true" : "false"
        case .integer(let v): String(v)
        case .number(let v): String(v)
        case .null: "null"
        case .text(let v): v
        }
    }
}

/// Why a configuration was rejected: one line that names the key or the file.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    /// Control characters (a newline in a `--set` value or a YAML error quoting its input) are
    /// escaped, so the message stays one line whatever it quotes.
    public init(_ message: String) {
        self.message = String(message.unicodeScalars.map { c -> String in
            switch c {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case _ where c.value < 0x20 || c.value == 0x7F: String(format: "\\u{%02X}", c.value)
            default: String(c)
            }
        }.joined())
    }
    public var description: String { message }
}

/// A complete, validated configuration: every schema key with a value of the right type and range.
///
/// Built from a preset (`paper`, `cpu`) or a YAML file, then `--set key=value` overrides. A file may
/// start with `inherit: PRESET` to list only its differences.
public struct RunConfig: Sendable, Equatable {
    public private(set) var values: [String: ConfigValue]

    /// The built-in presets (`Presets/NAME.yaml`): the paper's settings, and a smaller one for CPUs.
    public enum Preset: String, CaseIterable, Sendable {
        case paper, cpu
    }

    /// Names of the built-in presets.
    public static var presetNames: [String] { Preset.allCases.map(\.rawValue) }

    /// Loads a built-in preset.
    public static func preset(_ name: String) throws -> RunConfig {
        try RunConfig(values: validate(presetDocument(name), source: "preset '\(name)'"))
    }

    /// Loads a YAML file (which may inherit a preset).
    public static func file(_ path: String) throws -> RunConfig {
        let text = try YAMLInput.read(path, what: "config file")
        return try RunConfig(values: validate(document(text, source: "'\(path)'"), source: "'\(path)'"))
    }

    /// Loads a run folder's saved `config.yaml`, written by this or an earlier version.
    ///
    /// Keys added since a run was saved are filled so that the run continues exactly as it
    /// trained: a key listed in ``legacyDefaults`` takes the value that reproduces the older
    /// behaviour; any other key of an agent section other than the run's own (it cannot affect
    /// the run) takes its `paper` preset value. Any other missing key is an error.
    public static func savedRun(_ path: String) throws -> RunConfig {
        let text = try YAMLInput.read(path, what: "config file")
        return try savedRun(text: text, source: path)
    }

    /// ``savedRun(_:)`` from the YAML text itself (a checkpoint's copy); `source` names it in errors.
    public static func savedRun(text: String, source path: String) throws -> RunConfig {
        var raw = try document(text, source: "'\(path)'")
        let agent = raw["agent"].map { "\($0)" } ?? ""
        let agentSections = Set(AgentRegistry.names)
        let defaults = try presetDocument("paper")
        for key in ConfigSchema.keys where raw[key.name] == nil {
            let section = String(key.name.split(separator: ".", maxSplits: 1)[0])
            switch legacyDefaults[key.name] {
            case .value(let v)?: raw[key.name] = v
            case .integer(let v)?: raw[key.name] = v
            case .boolean(let v)?: raw[key.name] = v
            case .sameAs(let other)?: raw[key.name] = raw[other]
            case .null?: raw[key.name] = NSNull()
            case nil:
                if agentSections.contains(section) && section != agent, let value = defaults[key.name] { raw[key.name] = value }
            }
        }
        return try RunConfig(values: validate(raw, source: "'\(path)'"))
    }

    /// How a key added after runs were saved is filled for those runs.
    enum LegacyDefault: Sendable { case value(String), integer(Int), boolean(Bool), sameAs(String), null }

    /// Keys added after the first runs were saved, each with the value those runs trained with.
    static let legacyDefaults: [String: LegacyDefault] = [
        // RFM with a diffusion policy: older runs used the flow.
        "rfm.policy": .value("flow"), "rfm.diffusion_steps": .integer(20),
        "rfm.diffusion_schedule": .value("cosine"), "rfm.diffusion_sampler": .value("ddpm"),
        // Per-agent gradient clips: older SAC, QSM and DQS runs used the shared ones.
        "sac.actor_max_grad_norm": .sameAs("actor.max_grad_norm"), "sac.critic_max_grad_norm": .sameAs("critic.max_grad_norm"),
        "qsm.actor_max_grad_norm": .sameAs("actor.max_grad_norm"), "qsm.critic_max_grad_norm": .sameAs("critic.max_grad_norm"),
        "dqs.actor_max_grad_norm": .sameAs("actor.max_grad_norm"), "dqs.critic_max_grad_norm": .sameAs("critic.max_grad_norm"),
        // TensorBoard files change no number of a run; older runs get them when resumed.
        "trainer.tensorboard": .boolean(true),
        // Gymnasium task options: older runs had the v5 defaults.
        "gym.forward_reward_weight": .null, "gym.ctrl_cost_weight": .null, "gym.contact_cost_weight": .null,
        "gym.healthy_reward": .null, "gym.reset_noise_scale": .null, "gym.terminate_when_unhealthy": .null,
        // The Gymnasium bridge: older runs trained built-in environments, which ignore these.
        "gym.python": .value("python3"), "gym.kwargs": .value("{}"), "gym.timeout": .integer(60),
        // Clips of the policy during training: older runs wrote none.
        "trainer.video_interval": .integer(0),
    ]

    /// Returns the configuration with `key=value` overrides applied and validated.
    public func overriding(_ assignments: [String]) throws -> RunConfig {
        var raw = values.mapValues { value -> Any in
            switch value {
            case .integer(let v): v
            case .number(let v): v
            case .null: NSNull()
            case .text(let v): v
            case .boolean(let v): v
            }
        }
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw ConfigError("--set expects key=value, got '\(assignment)'")
            }
            let key = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
            let text = String(assignment[assignment.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            guard ConfigSchema.byName[key] != nil || ConfigSchema.objectKey(containing: key) != nil else {
                throw ConfigError(Self.unknownKeyMessage(key))
            }
            raw[key] = try Self.overrideValue(key: key, text: text)
        }
        return try RunConfig(values: Self.validate(raw, source: "--set"))
    }

    /// The value of `--set key=text`, parsed as YAML. A value that does not parse, or an empty
    /// one, is an error rather than null: null switches an optional option off, so only the
    /// explicit spellings `null` and `~` do that.
    static func overrideValue(key: String, text: String) throws -> Any {
        let source = "--set \(key)=\(PathComponent.escaped(text))"
        guard !text.isEmpty else {
            throw ConfigError("\(source): empty value (write \(key)=null to switch an optional option off)")
        }
        guard let value = try YAMLInput.load(text, source: source) else { return NSNull() }
        return value
    }

    // MARK: Typed access

    public func int(_ key: String) -> Int {
        guard case .integer(let v) = values[key] else { preconditionFailure("config key \(key) is not an integer") }
        return v
    }

    public func double(_ key: String) -> Double {
        switch values[key] {
        case .number(let v): return v
        case .integer(let v): return Double(v)
        default: preconditionFailure("config key \(key) is not a number")
        }
    }

    public func float(_ key: String) -> Float { Float(double(key)) }

    public func optionalFloat(_ key: String) -> Float? {
        if case .null = values[key] { return nil }
        return float(key)
    }

    public func bool(_ key: String) -> Bool {
        guard case .boolean(let v) = values[key] else { preconditionFailure("config key \(key) is not a boolean") }
        return v
    }

    /// A number, or nil where the key is null.
    public func optionalDouble(_ key: String) -> Double? {
        if case .null = values[key] { return nil }
        return double(key)
    }

    /// A ``ConfigSchema/Kind/optionalBool`` key: nil where null.
    public func optionalBool(_ key: String) -> Bool? {
        switch values[key] {
        case .null: return nil
        case .boolean(let v): return v
        default: preconditionFailure("config key \(key) is not a boolean")
        }
    }

    public func string(_ key: String) -> String {
        guard case .text(let v) = values[key] else { preconditionFailure("config key \(key) is not text") }
        return v
    }

    /// The configuration as YAML, grouped by section, keys in schema order (the run folder's `config.yaml`).
    public var yaml: String {
        var out = "# Resolved configuration of this run.\n"
        var section = ""
        for key in ConfigSchema.keys {
            let parts = key.name.split(separator: ".", maxSplits: 1).map(String.init)
            var value = "\(values[key.name]!)"
            // JSON text is YAML too ({} would read back as a mapping): single-quote it.
            if key.kind == .jsonObject { value = "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
            if parts.count == 2 {
                if parts[0] != section { out += "\(parts[0]):\n"; section = parts[0] }
                out += "  \(parts[1]): \(value)\n"
            } else {
                out += "\(key.name): \(value)\n"
            }
        }
        return out
    }

    // MARK: Loading and validation

    static func presetDocument(_ name: String) throws -> [String: Any] {
        guard presetNames.contains(name),
              let url = Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Presets"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { throw ConfigError("unknown preset '\(name)'; available: \(presetNames.joined(separator: ", "))") }
        return try document(text, source: "preset '\(name)'")
    }

    /// Parses YAML into dotted keys, resolving `inherit: PRESET` (the file's keys override the
    /// preset's). `source` names the file in errors.
    public static func document(_ text: String, source: String) throws -> [String: Any] {
        let parsed = try YAMLInput.load(text, source: source)
        guard var map = parsed as? [String: Any] else { throw ConfigError("\(source) must be a YAML mapping of keys to values") }
        let parent = map.removeValue(forKey: "inherit")
        let own = try flattenUnique(map, source: source)
        guard let parent else { return own }
        guard let name = parent as? String else { throw ConfigError("\(source): inherit must name a preset") }
        return try presetDocument(name).merging(own) { _, mine in mine }
    }

    /// `{trainer: {steps: 5}}` → `["trainer.steps": 5]`, refusing a key given twice.
    ///
    /// Why: `trainer.steps: 100` next to `trainer: {steps: 200}` would otherwise resolve by
    /// dictionary order, which changes from one process to the next.
    public static func flattenUnique(_ map: [String: Any], source: String) throws -> [String: Any] {
        var out: [String: Any] = [:]
        func walk(_ map: [String: Any], prefix: String) throws {
            for k in map.keys.sorted() {
                let name = prefix.isEmpty ? k : "\(prefix).\(k)"
                if let sub = map[k] as? [String: Any] { try walk(sub, prefix: name); continue }
                guard out[name] == nil else {
                    throw ConfigError("\(source): config key '\(PathComponent.escaped(name))' is given twice (dotted and nested); keep one")
                }
                out[name] = map[k]
            }
        }
        try walk(map, prefix: "")
        return out
    }

    /// `{trainer: {steps: 5}}` → `["trainer.steps": 5]` (a key given twice: the last one read).
    /// Only for reading run folders that this program wrote; user input goes through
    /// ``flattenUnique(_:source:)``.
    public static func flatten(_ map: [String: Any], prefix: String = "") -> [String: Any] {
        var out: [String: Any] = [:]
        for (k, v) in map {
            let name = prefix.isEmpty ? k : "\(prefix).\(k)"
            if let sub = v as? [String: Any] { out.merge(flatten(sub, prefix: name)) { _, b in b } } else { out[name] = v }
        }
        return out
    }

    static func unknownKeyMessage(_ key: String) -> String {
        let close = ConfigSchema.keys.map(\.name).min { editDistance($0, key) < editDistance($1, key) }
        let hint = close.map { editDistance($0, key) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
        return "unknown config key '\(PathComponent.escaped(key))'\(hint)"
    }

    static func validate(_ raw: [String: Any], source: String) throws -> [String: ConfigValue] {
        let raw = try foldingObjectEntries(raw, source: source)
        for key in raw.keys.sorted() where ConfigSchema.byName[key] == nil {
            throw ConfigError("\(source): " + unknownKeyMessage(key))
        }
        var out: [String: ConfigValue] = [:]
        for key in ConfigSchema.keys {
            guard let value = raw[key.name] else { throw ConfigError("\(source): missing config key '\(key.name)'") }
            out[key.name] = try check(key, value)
        }
        let embedding = out["actor.embedding"]!
        if case .integer(let e) = embedding, e % 2 != 0 { throw ConfigError("config key 'actor.embedding' must be even, got \(e)") }
        // Every agent's settings decode (with its own cross-key rules), whichever agent runs: a
        // configuration that validates builds any of them.
        let config = RunConfig(values: out)
        for entry in AgentRegistry.agents { try entry.decodeSettings(ConfigDecoder(config)) }
        return out
    }

    static func check(_ key: ConfigSchema.Key, _ value: Any) throws -> ConfigValue {
        func fail(_ expected: String) -> ConfigError {
            ConfigError("config key '\(key.name)' must be \(expected), got '\(value is NSNull ? "null" : "\(value)")'")
        }
        let number: Double? = (value as? Int).map(Double.init) ?? (value as? Double)
        switch key.kind {
        case .integer(let range):
            guard let v = value as? Int else { throw fail("an integer") }
            guard range.contains(v) else { throw fail(range.upperBound == Int.max ? "at least \(range.lowerBound)" : "in \(range)") }
            return .integer(v)
        case .number(let range):
            guard let v = number else { throw fail("a number") }
            guard range.contains(v) else { throw fail("in \(range)") }
            return .number(v)
        case .optionalNumber(let range):
            if value is NSNull { return .null }
            guard let v = number else { throw fail("a number or null") }
            guard range.contains(v) else { throw fail("in \(range) or null") }
            return .number(v)
        case .choice(let options):
            guard let v = value as? String, options.contains(v) else { throw fail("one of \(options.joined(separator: ", "))") }
            return .text(v)
        case .text:
            guard let v = value as? String, !v.isEmpty else { throw fail("a non-empty string") }
            return .text(v)
        case .boolean:
            // `type(of:)`: where Foundation bridges, 1 would otherwise pass as true.
            guard let v = value as? Bool, type(of: value) == Bool.self else { throw fail("true or false") }
            return .boolean(v)
        case .optionalBool:
            if value is NSNull { return .null }
            guard let v = value as? Bool, type(of: value) == Bool.self else { throw fail("true, false or null") }
            return .boolean(v)
        case .jsonObject:
            guard let object = jsonObject(value) else { throw fail("a JSON object such as '{\"ctrl_cost_weight\": 0.1}'") }
            return .text(try canonicalJSON(object, key: key.name))
        }
    }

    /// `value` as a JSON object: itself if a mapping, parsed if JSON text, else nil.
    static func jsonObject(_ value: Any) -> [String: Any]? {
        if let map = value as? [String: Any] { return map }
        guard let text = value as? String, let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
    }

    static func canonicalJSON(_ object: [String: Any], key: String) throws -> String {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { throw ConfigError("config key '\(key)' holds a value JSON cannot represent") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Moves `gym.kwargs.NAME: value` entries (from a nested YAML mapping or `--set`) into the
    /// `gym.kwargs` object, over the entries it already has.
    static func foldingObjectEntries(_ raw: [String: Any], source: String) throws -> [String: Any] {
        var out = raw
        for name in raw.keys.sorted() {
            guard ConfigSchema.byName[name] == nil, let key = ConfigSchema.objectKey(containing: name) else { continue }
            var object = out[key.name].map { jsonObject($0) } ?? [:]
            guard object != nil else { throw ConfigError("\(source): config key '\(key.name)' must be a JSON object to set '\(name)'") }
            object![String(name.dropFirst(key.name.count + 1))] = out.removeValue(forKey: name)
            out[key.name] = object!
        }
        return out
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(x.count, 1) where !x.isEmpty {
        var previous = row[0]
        row[0] = i
        for j in 1...max(y.count, 1) where !y.isEmpty {
            let current = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return row[y.count]
}

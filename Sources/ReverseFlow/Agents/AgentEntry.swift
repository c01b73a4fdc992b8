import TensorCore

/// One agent in the ``AgentRegistry``: everything the rest of the program needs to know of it.
///
/// Its `name` is the value of the config key `agent` and the name of its config section; `keys`
/// are that section's schema keys (each named `NAME.key`); `Settings` is the agent's settings type,
/// decoded from a validated configuration by ``ConfigDecoder`` (the shared `critic:` and `actor:`
/// sections and its own); `metricKeys` are its columns of `metrics.csv`, after the trainer's and
/// the critic's; `make` builds the agent from decoded settings.
public struct AgentEntry: Sendable {
    public let name: String
    public let keys: [ConfigSchema.Key]
    public let metricKeys: [String]
    /// Whether every kernel of the agent has a device implementation.
    public let runsOnDevices: Bool
    private let decode: @Sendable (ConfigDecoder) throws -> Any
    private let build: @Sendable (Any, _ observationSize: Int, _ actionSize: Int, inout RandomStream) -> Agent

    public init<Settings: Decodable & SendableMetatype>(name: String, settings: Settings.Type, keys: [ConfigSchema.Key],
                                                        metricKeys: [String], runsOnDevices: Bool = true,
                                                        make: @escaping @Sendable (Settings, _ observationSize: Int, _ actionSize: Int, inout RandomStream) -> Agent) {
        precondition(keys.allSatisfy { $0.name.hasPrefix(name + ".") }, "\(name)'s config keys must all be in its section '\(name).'")
        self.name = name
        self.keys = keys
        self.metricKeys = metricKeys
        self.runsOnDevices = runsOnDevices
        decode = { try Settings(from: $0) }
        build = { settings, observationSize, actionSize, rng in make(settings as! Settings, observationSize, actionSize, &rng) }
    }

    /// The entry of an agent that its own initialiser builds from its decoded `Settings` (every
    /// agent of the registry).
    public init<A: ConfigurableAgent & SendableMetatype>(name: String, agent: A.Type, keys: [ConfigSchema.Key],
                                                         metricKeys: [String], runsOnDevices: Bool = true) {
        self.init(name: name, settings: A.Settings.self, keys: keys, metricKeys: metricKeys,
                  runsOnDevices: runsOnDevices) { settings, observationSize, actionSize, rng in
            A(observationSize: observationSize, actionSize: actionSize, settings: settings, rng: &rng)
        }
    }

    /// Decodes the agent's settings from `decoder` and returns them: what validation runs for
    /// every agent, so that a validated configuration always builds. A cross-key rule of the
    /// agent (such as SAC's `log_std_min` below `log_std_max`) throws its ``ConfigError``; a
    /// decoding error becomes one naming the key.
    @discardableResult
    public func decodeSettings(_ decoder: ConfigDecoder) throws -> Any {
        do {
            return try decode(decoder)
        } catch let error as DecodingError {
            throw ConfigError(error)
        }
    }

    /// The agent with the settings of a validated configuration (which has decoded them once
    /// already, so this cannot fail).
    public func make(_ config: RunConfig, observationSize: Int, actionSize: Int, rng: inout RandomStream) -> Agent {
        let settings: Any
        do {
            settings = try decodeSettings(ConfigDecoder(config))
        } catch {
            preconditionFailure("the validated configuration's \(name) settings do not decode: \(error)")
        }
        return build(settings, observationSize, actionSize, &rng)
    }
}

/// An agent built from its settings alone, decoded from a run's configuration: what
/// ``AgentEntry/init(name:agent:keys:metricKeys:runsOnDevices:)`` needs to make it.
public protocol ConfigurableAgent: Agent {
    associatedtype Settings: Decodable & SendableMetatype
    /// A fresh agent for observations of `observationSize` and actions of `actionSize`, its
    /// networks drawn from `rng`.
    init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream)
}

import Environments

/// The run's environment from its configuration: the `env` key, and the `gym.*` keys as the
/// options of a built-in Gymnasium task or the settings of a `gym:` worker. The Environments
/// target knows nothing of ``RunConfig``; these are its readers.
extension EnvironmentRegistry {
    /// The run's environment: its `env` key, with the `gym.*` keys as options. A `gym:ID` name
    /// runs through the Python bridge (``make(_:settings:)``); a built-in Gymnasium task takes
    /// the keys that override its v5 defaults.
    public static func make(config: RunConfig) throws -> Environment {
        let name = config.string("env")
        if name.hasPrefix(gymPrefix) { return try make(name, settings: GymSettings(config)) }
        return try make(name, gymnasium: GymnasiumOptions(config: config))
    }
}

/// The `gym.*` configuration keys as task options: null keys keep the task's v5 default.
extension GymnasiumOptions {
    public init(config: RunConfig) {
        self.init(forwardRewardWeight: config.optionalDouble("gym.forward_reward_weight"),
                  ctrlCostWeight: config.optionalDouble("gym.ctrl_cost_weight"),
                  contactCostWeight: config.optionalDouble("gym.contact_cost_weight"),
                  healthyReward: config.optionalDouble("gym.healthy_reward"),
                  resetNoiseScale: config.optionalDouble("gym.reset_noise_scale"),
                  terminateWhenUnhealthy: config.optionalBool("gym.terminate_when_unhealthy"))
    }
}

/// How a `gym:` environment's worker is started, from the `gym.*` configuration keys.
extension GymSettings {
    public init(_ config: RunConfig) {
        self.init(python: config.string("gym.python"), kwargs: config.string("gym.kwargs"), timeout: config.double("gym.timeout"))
    }
}

/// The one entry point for `gym:` names: everything else goes to ``EnvironmentRegistry/make(_:)``.
extension EnvironmentRegistry {
    /// The prefix that sends a name to Gymnasium through the Python bridge.
    public static let gymPrefix = "gym:"

    /// Whether `--env` accepts `name`: a built-in name, or `gym:` and a Gymnasium id.
    public static func accepts(_ name: String) -> Bool {
        names.contains(name) || (name.hasPrefix(gymPrefix) && name.count > gymPrefix.count)
    }

    /// A fresh environment for a run: built-in names as ``make(_:)``; `gym:ID` starts a Python
    /// worker with the run's `gym.*` settings, actions presented in [−1, 1].
    public static func make(_ name: String, settings: GymSettings) throws -> Environment {
        guard name.hasPrefix(gymPrefix) else { return try make(name) }
        return RescaledActions(try GymEnvironment(id: String(name.dropFirst(gymPrefix.count)), settings: settings))
    }

}

import Foundation

/// How a `gym:` environment's worker is started: the `gym.*` configuration keys.
public struct GymSettings: Sendable, Equatable {
    /// The interpreter that runs the worker (`gym.python`; looked up in `PATH` without a slash).
    public var python: String
    /// Keyword arguments of `gymnasium.make`, a JSON object (`gym.kwargs`).
    public var kwargs: String
    /// Seconds one reset or step may take before the worker counts as hung (`gym.timeout`).
    public var timeout: Double

    /// Starting the worker imports gymnasium (and MuJoCo, …) and builds the environment, which
    /// takes seconds on a busy machine: its first answer may take at least this long.
    static let startupAllowance = 120.0

    public init(python: String = "python3", kwargs: String = "{}", timeout: Double = 60) {
        self.python = python
        self.kwargs = kwargs
        self.timeout = timeout
    }

    /// The worker script: `RFM_GYM_WORKER` if set, else the copy in this build's resource bundle
    /// (next to the `rfm` binary, like the presets).
    public static func workerScript() throws -> String {
        if let path = ProcessInfo.processInfo.environment["RFM_GYM_WORKER"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw EnvironmentError.badModel("gym", "RFM_GYM_WORKER names '\(path)', which does not exist")
            }
            return path
        }
        guard let url = Bundle.module.url(forResource: "rfm_gym_worker", withExtension: "py", subdirectory: "GymWorker") else {
            throw EnvironmentError.badModel("gym", "the worker rfm_gym_worker.py is missing from the resource bundle; set RFM_GYM_WORKER")
        }
        return url.path
    }

    /// Checks that `kwargs` is a JSON object, so a typo is one line before any process starts.
    public func checkedKwargs() throws -> String {
        guard let data = kwargs.data(using: .utf8),
              (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw EnvironmentError.badModel("gym", "config key 'gym.kwargs' must be a JSON object such as '{\"ctrl_cost_weight\": 0.1}', got '\(kwargs)'")
        }
        return kwargs
    }
}

/// What one environment step returns.
public struct StepResult: Sendable {
    public var observation: [Float]
    public var reward: Double
    /// The episode ended in a terminal state: no bootstrapping from here.
    public var terminated: Bool
    /// The episode was cut short (a time limit): the next state still has value.
    public var truncated: Bool

    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// A Gymnasium-style environment with continuous actions.
///
/// Agents act in `[−1, 1]^d`; an environment declares its own bounds in ``actionLow`` /
/// ``actionHigh`` and ``RescaledActions`` maps between the two.
public protocol Environment: AnyObject {
    /// Name as used on the command line (`pendulum`, `cheetah-run`, `Hopper-v5`).
    var name: String { get }
    var observationSize: Int { get }
    var actionSize: Int { get }
    var actionLow: [Float] { get }
    var actionHigh: [Float] { get }

    /// Starts an episode; the seed fixes the initial state.
    func reset(seed: UInt64) -> [Float]
    /// Applies `action` (in the environment's own bounds).
    func step(_ action: [Float]) -> StepResult

    /// The full internal state (for exact checkpoint and resume).
    func saveState() -> [Double]
    /// Restores a state from ``saveState()``.
    func restoreState(_ state: [Double]) throws

    /// Why the environment stopped working mid-run (a ``GymEnvironment`` whose worker died or
    /// hung), or nil. ``reset(seed:)`` and ``step(_:)`` cannot throw, so callers check this after
    /// them; native environments never fail and keep the default nil.
    var fault: EnvironmentError? { get }
}

public extension Environment {
    var fault: EnvironmentError? { nil }
}

/// Why an environment could not be created or restored.
public enum EnvironmentError: Error, CustomStringConvertible, Equatable {
    case unknown(String, available: [String])
    case badState(String)
    case missingModels(String)
    case badModel(String, String)
    /// A `gym:` environment's worker failed mid-run: the environment, what happened, the last
    /// lines of the worker's stderr.
    case workerFailed(String, String, stderr: [String])

    public var description: String {
        switch self {
        case .missingModels(let dir): "MuJoCo model files not found in \(dir): run scripts/setup.sh (or set RFM_DMC_SUITE_DIR / RFM_GYM_ASSETS_DIR)"
        case .badModel(let name, let why): "cannot build environment '\(name)': \(why)"
        case .unknown(let name, let available): "unknown environment '\(name)'; available: \(available.joined(separator: ", "))"
        case .badState(let why): "cannot restore environment state: \(why)"
        case .workerFailed(let name, let why, let stderr):
            "environment '\(name)' stopped: \(why)"
                + (stderr.isEmpty ? "" : "\nthe worker's last stderr lines:\n" + stderr.map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}

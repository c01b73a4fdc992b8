/// Ends episodes by truncation after `limit` steps; it never terminates them.
///
/// As Gymnasium's `TimeLimit`: the step that reaches the limit is truncated whether or not it
/// also terminated, so `terminated` alone decides bootstrapping.
public final class TimeLimit: Environment {
    public let inner: Environment
    public let limit: Int
    public private(set) var elapsed = 0

    public init(_ inner: Environment, limit: Int) {
        precondition(limit >= 1, "TimeLimit: limit must be positive")
        self.inner = inner
        self.limit = limit
    }

    public var name: String { inner.name }
    public var observationSize: Int { inner.observationSize }
    public var actionSize: Int { inner.actionSize }
    public var actionLow: [Float] { inner.actionLow }
    public var actionHigh: [Float] { inner.actionHigh }
    public var fault: EnvironmentError? { inner.fault }

    public func reset(seed: UInt64) -> [Float] {
        elapsed = 0
        return inner.reset(seed: seed)
    }

    public func step(_ action: [Float]) -> StepResult {
        var r = inner.step(action)
        elapsed += 1
        if elapsed >= limit { r.truncated = true }
        return r
    }

    public func saveState() -> [Double] { inner.saveState() + [Double(elapsed)] }

    public func restoreState(_ state: [Double]) throws {
        guard let last = state.last else { throw EnvironmentError.badState("empty state") }
        try inner.restoreState(Array(state.dropLast()))
        elapsed = Int(last)
    }
}

/// Presents `[−1, 1]^d` actions to the agent and rescales them affinely to the environment's bounds.
public final class RescaledActions: Environment {
    public let inner: Environment

    public init(_ inner: Environment) { self.inner = inner }

    public var name: String { inner.name }
    public var observationSize: Int { inner.observationSize }
    public var actionSize: Int { inner.actionSize }
    public var actionLow: [Float] { [Float](repeating: -1, count: inner.actionSize) }
    public var actionHigh: [Float] { [Float](repeating: 1, count: inner.actionSize) }
    public var fault: EnvironmentError? { inner.fault }

    public func reset(seed: UInt64) -> [Float] { inner.reset(seed: seed) }

    public func step(_ action: [Float]) -> StepResult {
        let lo = inner.actionLow, hi = inner.actionHigh
        let scaled = action.indices.map { i in
            lo[i] + (min(max(action[i], -1), 1) + 1) * 0.5 * (hi[i] - lo[i])
        }
        return inner.step(scaled)
    }

    public func saveState() -> [Double] { inner.saveState() }
    public func restoreState(_ state: [Double]) throws { try inner.restoreState(state) }
}

/// The environments this build knows, by name.
public enum EnvironmentRegistry {
    /// Names accepted by ``make(_:)``.
    public static var names: [String] { ["pendulum"] + ControlSuite.names + Gymnasium.names }

    /// A fresh environment, wrapped with its time limit and with actions in [−1, 1].
    /// `gymnasium` overrides the v5 defaults of a Gymnasium task; other tasks ignore it.
    public static func make(_ name: String, gymnasium: GymnasiumOptions = .init()) throws -> Environment {
        if name == "pendulum" { return RescaledActions(TimeLimit(Pendulum(), limit: 200)) }
        if Gymnasium.spec(named: name) != nil {
            let env = try Gymnasium.make(name, options: gymnasium)
            return RescaledActions(TimeLimit(env, limit: env.episodeLength))
        }
        guard ControlSuite.spec(named: name) != nil else { throw EnvironmentError.unknown(name, available: names) }
        let env = try ControlSuite.make(name)
        return RescaledActions(TimeLimit(env, limit: env.episodeLength))
    }
}

import Foundation
import TensorCore

/// Gymnasium's Pendulum-v1: swing a pendulum up and keep it upright with limited torque.
///
/// State (θ, θ̇), θ = 0 upright. Observation `[cos θ, sin θ, θ̇]`. Action: torque in [−2, 2].
/// Dynamics with g = 10, m = l = 1, Δt = 0.05:
///
///     θ̇′ = clip(θ̇ + (3g/(2l)·sin θ + 3/(ml²)·u)·Δt, −8, 8),   θ′ = θ + θ̇′·Δt
///     reward = −(normalise(θ)² + 0.1·θ̇² + 0.001·u²)
///
/// Resets draw θ ~ U[−π, π], θ̇ ~ U[−1, 1]. It never terminates; the 200-step limit comes from
/// ``TimeLimit``. Computed in Float64 like Gymnasium's NumPy code; observations are Float32.
public final class Pendulum: Environment {
    public let name = "pendulum"
    public let observationSize = 3
    public let actionSize = 1
    public let actionLow: [Float] = [-2]
    public let actionHigh: [Float] = [2]

    static let maxSpeed = 8.0, maxTorque = 2.0, dt = 0.05, g = 10.0, m = 1.0, l = 1.0

    public private(set) var theta = 0.0
    public private(set) var thetaDot = 0.0

    public init() {}

    public func reset(seed: UInt64) -> [Float] {
        var rng = RandomStream(seed: seed, stream: 0x50E0)
        theta = Double(rng.uniform()) * 2 * Double.pi - Double.pi
        thetaDot = Double(rng.uniform()) * 2 - 1
        return observation
    }

    /// Starts from a given state (for tests against reference trajectories).
    public func reset(theta: Double, thetaDot: Double) -> [Float] {
        self.theta = theta
        self.thetaDot = thetaDot
        return observation
    }

    public func step(_ action: [Float]) -> StepResult {
        let u = min(max(Double(action[0]), -Self.maxTorque), Self.maxTorque)
        let cost = Self.normalise(theta) * Self.normalise(theta) + 0.1 * thetaDot * thetaDot + 0.001 * u * u
        var newThetaDot = thetaDot + (3 * Self.g / (2 * Self.l) * sin(theta) + 3 / (Self.m * Self.l * Self.l) * u) * Self.dt
        newThetaDot = min(max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        theta += newThetaDot * Self.dt
        thetaDot = newThetaDot
        return StepResult(observation: observation, reward: -cost, terminated: false, truncated: false)
    }

    public var observation: [Float] { [Float(cos(theta)), Float(sin(theta)), Float(thetaDot)] }

    public func saveState() -> [Double] { [theta, thetaDot] }

    public func restoreState(_ state: [Double]) throws {
        guard state.count == 2 else { throw EnvironmentError.badState("pendulum expects 2 numbers, got \(state.count)") }
        theta = state[0]
        thetaDot = state[1]
    }

    /// Angle wrapped to [−π, π), as NumPy's `((x + π) % 2π) − π` (a modulo with the divisor's sign).
    static func normalise(_ x: Double) -> Double {
        var r = (x + Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi)
        if r < 0 { r += 2 * Double.pi }
        return r - Double.pi
    }
}

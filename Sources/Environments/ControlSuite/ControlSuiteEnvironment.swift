import Foundation
package import MuJoCo
import TensorCore

/// A DeepMind Control Suite task on MuJoCo, stepped exactly as dm_control's
/// `control.Environment` steps it.
///
/// `reset` = physics reset, the task's `initializeEpisode`, forward pass; `step` = set the
/// controls, `nSubSteps` legacy physics steps, then reward and observation. The time limit is
/// applied by ``TimeLimit`` (truncation after `timeLimit / controlTimestep` steps, 1,000 for every
/// task here). Actions arrive in the actuators' control range, [−1, 1] for these tasks.
///
/// Float64 accessors (``resetToState(_:taskVariables:)``, ``stepDouble(_:)``) serve the
/// reference tests, which compare with dm_control before the Float32 conversion.
public final class ControlSuiteEnvironment: Environment {
    public let spec: ControlTaskSpec
    package let physics: Physics
    package let task: ControlTask
    /// Physics steps per agent step.
    public let nSubSteps: Int
    public let observationSize: Int
    public let actionLow: [Float]
    public let actionHigh: [Float]

    public var name: String { spec.name }
    public var actionSize: Int { physics.nu }
    /// Agent steps per episode.
    public var episodeLength: Int { Int((spec.timeLimit / (physics.timestep * Double(nSubSteps))).rounded()) }

    public init(_ spec: ControlTaskSpec, modelDirectory: String) throws {
        self.spec = spec
        let physics = try Physics(xmlPath: modelDirectory + "/" + spec.modelFile)
        self.physics = physics
        task = try spec.make(physics)
        if let dt = spec.controlTimestep {
            let ratio = dt / physics.timestep
            guard ratio >= 1, abs(ratio - ratio.rounded()) < 1e-8 else {
                throw MuJoCoError.badState("control timestep \(dt) is not a multiple of the physics timestep \(physics.timestep)")
            }
            nSubSteps = Int(ratio.rounded())
        } else {
            nSubSteps = 1
        }
        actionLow = (0 ..< physics.nu).map { physics.actuatorIsControlLimited($0) ? Float(physics.actuatorControlRange[2 * $0]) : -.infinity }
        actionHigh = (0 ..< physics.nu).map { physics.actuatorIsControlLimited($0) ? Float(physics.actuatorControlRange[2 * $0 + 1]) : .infinity }
        physics.reset()
        observationSize = task.observation(physics).count
    }

    // MARK: Environment

    public func reset(seed: UInt64) -> [Float] {
        resetDouble(seed: seed).map { Float($0) }
    }

    public func step(_ action: [Float]) -> StepResult {
        let (obs, reward) = stepDouble(action.map { Double($0) })
        return StepResult(observation: obs.map { Float($0) }, reward: reward, terminated: false, truncated: false)
    }

    /// Integration state (see ``Physics/integrationState()``), then the task variables, then
    /// their count.
    public func saveState() -> [Double] {
        SavedPhysicsState.join(integration: physics.integrationState(), extras: task.taskVariables(physics))
    }

    public func restoreState(_ state: [Double]) throws {
        let (integration, taskVariables) = try SavedPhysicsState.split(state, environment: name)
        do {
            _ = try resetToState(integration, taskVariables: taskVariables)
        } catch {
            throw EnvironmentError.badState("\(name): \(error)")
        }
    }

    // MARK: Float64 access

    /// A new episode from `seed`; the observation in Float64.
    public func resetDouble(seed: UInt64) -> [Double] {
        var random = RandomStream(seed: seed, stream: 0xD3C0_5EED)
        physics.reset()
        task.initializeEpisode(physics, random: &random)
        physics.afterReset()
        return task.observation(physics)
    }

    /// Puts the simulation in a recorded state (as left by a reset) and returns its observation.
    public func resetToState(_ integrationState: [Double], taskVariables: [Double]) throws -> [Double] {
        try task.setTaskVariables(taskVariables, physics)
        try physics.setIntegrationState(integrationState)
        physics.afterReset()
        return task.observation(physics)
    }

    /// One agent step in Float64: controls, physics steps, then (observation, reward).
    public func stepDouble(_ action: [Double]) -> (observation: [Double], reward: Double) {
        precondition(action.count == physics.nu, "\(name): expected \(physics.nu) actions, got \(action.count)")
        let ctrl = physics.ctrl
        for i in 0 ..< action.count { ctrl[i] = action[i] }
        physics.step(nSubSteps)
        return (task.observation(physics), task.reward(physics))
    }
}

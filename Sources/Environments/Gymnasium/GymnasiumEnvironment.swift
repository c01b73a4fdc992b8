import Foundation
package import MuJoCo
import TensorCore

/// A Gymnasium MuJoCo v5 task on MuJoCo, stepped exactly as Gymnasium 1.2.2's `MujocoEnv` steps it.
///
/// `reset` = `mj_resetData`, the task's initial `(qpos, qvel)`, `mj_forward`; `step` = set the
/// controls, `frameSkip` `mj_step`s, `mj_rnePostConstraint`, then observation and score. The
/// time limit is applied by ``TimeLimit``. Actions arrive in the actuators' control range, as
/// Gymnasium's `action_space` (built from `actuator_ctrlrange`) gives them; MuJoCo clamps them,
/// and the control cost is paid on the action as given, as in Gymnasium.
///
/// Float64 accessors (``resetToState(qpos:qvel:)``, ``stepDouble(_:)``, ``lastOutcome``) serve
/// the reference tests, which compare with Gymnasium before the Float32 conversion.
public final class GymnasiumEnvironment: Environment {
    public let spec: GymnasiumTaskSpec
    package let physics: Physics
    package let task: GymnasiumTask
    public let options: GymnasiumOptions
    public let observationSize: Int
    public let actionLow: [Float]
    public let actionHigh: [Float]
    /// Gymnasium's `init_qpos` / `init_qvel`: the data right after `mj_makeData`.
    let initQpos: [Double], initQvel: [Double]
    /// The progress value a restored state carries (see ``saveState()``), used by the next step
    /// in place of reading it from data the restore could not rebuild.
    private var restoredProgress: [Double]?

    /// The last step's observation and outcome in Float64.
    public private(set) var lastObservation: [Double] = []
    public private(set) var lastOutcome = GymnasiumOutcome(reward: 0, terminated: false, info: [:])

    public var name: String { spec.name }
    public var actionSize: Int { physics.nu }
    public var episodeLength: Int { spec.episodeLength }
    /// Seconds per agent step (Gymnasium's `dt`).
    public var dt: Double { physics.timestep * Double(spec.frameSkip) }

    public init(_ spec: GymnasiumTaskSpec, modelDirectory: String, options: GymnasiumOptions = .init()) throws {
        self.spec = spec
        self.options = options
        let physics = try Physics(xmlPath: modelDirectory + "/" + spec.modelFile)
        self.physics = physics
        initQpos = Array(physics.qpos)
        initQvel = Array(physics.qvel)
        task = try spec.make(physics, options, physics.timestep * Double(spec.frameSkip))
        actionLow = (0 ..< physics.nu).map { Float(physics.actuatorControlRange[2 * $0]) }
        actionHigh = (0 ..< physics.nu).map { Float(physics.actuatorControlRange[2 * $0 + 1]) }
        physics.resetData()
        physics.setState(qpos: initQpos, qvel: initQvel)
        observationSize = task.observation(physics).count
    }

    // MARK: Environment

    public func reset(seed: UInt64) -> [Float] {
        resetDouble(seed: seed).map { Float($0) }
    }

    public func step(_ action: [Float]) -> StepResult {
        let (obs, outcome) = stepDouble(action.map { Double($0) })
        return StepResult(observation: obs.map { Float($0) }, reward: outcome.reward, terminated: outcome.terminated, truncated: false)
    }

    /// Integration state (see ``Physics/integrationState()``), then the task's progress value
    /// (read from position-dependent data the integration state does not hold), then its count.
    public func saveState() -> [Double] {
        SavedPhysicsState.join(integration: physics.integrationState(), extras: restoredProgress ?? task.progress(physics))
    }

    public func restoreState(_ state: [Double]) throws {
        let (integration, progress) = try SavedPhysicsState.split(state, environment: name)
        do {
            try physics.setIntegrationState(integration)
        } catch {
            throw EnvironmentError.badState("\(name): \(error)")
        }
        restoredProgress = progress
    }

    // MARK: Float64 access

    /// A new episode from `seed`; the observation in Float64.
    public func resetDouble(seed: UInt64) -> [Double] {
        var random = RandomStream(seed: seed, stream: 0x6_7A5E_ED)
        let (qpos, qvel) = task.initialState(initQpos: initQpos, initQvel: initQvel, random: &random)
        return resetToState(qpos: qpos, qvel: qvel)
    }

    /// Gymnasium's `reset` from a given `(qpos, qvel)`: `mj_resetData`, `set_state`.
    public func resetToState(qpos: [Double], qvel: [Double]) -> [Double] {
        restoredProgress = nil
        physics.resetData()
        physics.setState(qpos: qpos, qvel: qvel)
        lastObservation = task.observation(physics)
        return lastObservation
    }

    /// One agent step in Float64: controls, physics steps, then (observation, outcome).
    @discardableResult
    public func stepDouble(_ action: [Double]) -> (observation: [Double], outcome: GymnasiumOutcome) {
        precondition(action.count == physics.nu, "\(name): expected \(physics.nu) actions, got \(action.count)")
        let before = restoredProgress ?? task.progress(physics)
        restoredProgress = nil
        let ctrl = physics.ctrl
        for i in 0 ..< action.count { ctrl[i] = action[i] }
        physics.gymnasiumStep(spec.frameSkip)
        lastObservation = task.observation(physics)
        lastOutcome = task.score(physics, action: action, before: before)
        return (lastObservation, lastOutcome)
    }
}

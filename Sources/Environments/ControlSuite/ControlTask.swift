package import MuJoCo
import TensorCore

/// One DeepMind Control Suite task: how an episode starts, what the agent observes, what it is
/// paid. The physics (model file, stepping) is shared by ``ControlSuiteEnvironment``.
///
/// Implementations follow dm_control 1.0.34's `suite/<domain>.py` line by line; each file names
/// the function it mirrors. Names are looked up once, at construction, so a model that lacks one
/// fails loudly then rather than mid-episode.
package protocol ControlTask: AnyObject {
    /// Sets the initial state (dm_control's `initialize_episode`), between the physics reset and
    /// the forward pass that follows it. `random` is the episode's stream.
    func initializeEpisode(_ physics: Physics, random: inout RandomStream)
    /// The observation, flattened in dm_control's key order, in Float64.
    func observation(_ physics: Physics) -> [Double]
    /// The reward for the state just reached.
    func reward(_ physics: Physics) -> Double
    /// Model values the task randomises per episode (target positions, sizes), so an episode can
    /// be saved and replayed exactly. Empty for tasks that randomise only the state.
    func taskVariables(_ physics: Physics) -> [Double]
    func setTaskVariables(_ values: [Double], _ physics: Physics) throws
}

extension ControlTask {
    package func taskVariables(_ physics: Physics) -> [Double] { [] }
    package func setTaskVariables(_ values: [Double], _ physics: Physics) throws {
        guard values.isEmpty else { throw MuJoCoError.badState("this task has no task variables, got \(values.count)") }
    }
}

/// How to build a task: its name (`domain-task`, as dm_control spells them), model file, timing.
public struct ControlTaskSpec: Sendable {
    public let name: String
    /// The MJCF file in dm_control's `suite/` folder.
    public let modelFile: String
    /// Episode length in seconds (dm_control's `_DEFAULT_TIME_LIMIT`).
    public let timeLimit: Double
    /// Seconds between agent actions; `nil` means one physics step.
    public let controlTimestep: Double?
    package let make: @Sendable (Physics) throws -> ControlTask
}

/// Row-major 3×3 entries of MuJoCo's `xmat`.
enum Mat3 {
    static let xx = 0, xz = 2, zz = 8
}

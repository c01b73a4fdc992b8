package import MuJoCo
import TensorCore

/// One Gymnasium MuJoCo v5 task: how an episode starts, what the agent observes, how a step is
/// scored. The physics (model file, frame skip, stepping) is shared by ``GymnasiumEnvironment``.
///
/// Implementations follow Gymnasium 1.2.2's `envs/mujoco/<task>_v5.py` line by line, including
/// the order of floating-point operations where it decides the last bits; each file names the
/// class it mirrors.
package protocol GymnasiumTask: AnyObject {
    /// The initial `(qpos, qvel)` (Gymnasium's `reset_model` before `set_state`), from the
    /// model's reference configuration `initQpos` and zero velocity `initQvel`.
    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double])
    /// The observation, in Gymnasium's layout, Float64.
    func observation(_ physics: Physics) -> [Double]
    /// What the step's velocity is measured on, read before the physics steps (the root's `x`,
    /// a body's `xy`, the centre of mass); empty for tasks that measure no velocity.
    func progress(_ physics: Physics) -> [Double]
    /// The reward, termination and Gymnasium's `info` numbers of the step just simulated,
    /// given `progress` before it and the action applied.
    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome
}

extension GymnasiumTask {
    package func progress(_ physics: Physics) -> [Double] { [] }
}

/// A scored step: reward, termination, and the scalar entries of Gymnasium's `info` dict
/// (`reward_forward`, `reward_ctrl`, `reward_survive`, `x_velocity`, …) under the same keys.
public struct GymnasiumOutcome: Sendable {
    public var reward: Double
    public var terminated: Bool
    public var info: [String: Double]
}

/// The constructor options of the v5 tasks users change most; `nil` keeps the task's v5 default.
/// A task ignores the options it does not have (HalfCheetah has no healthy reward).
public struct GymnasiumOptions: Sendable, Equatable {
    public var forwardRewardWeight: Double?
    public var ctrlCostWeight: Double?
    public var contactCostWeight: Double?
    public var healthyReward: Double?
    public var resetNoiseScale: Double?
    public var terminateWhenUnhealthy: Bool?

    public init(forwardRewardWeight: Double? = nil, ctrlCostWeight: Double? = nil, contactCostWeight: Double? = nil,
                healthyReward: Double? = nil, resetNoiseScale: Double? = nil, terminateWhenUnhealthy: Bool? = nil) {
        self.forwardRewardWeight = forwardRewardWeight
        self.ctrlCostWeight = ctrlCostWeight
        self.contactCostWeight = contactCostWeight
        self.healthyReward = healthyReward
        self.resetNoiseScale = resetNoiseScale
        self.terminateWhenUnhealthy = terminateWhenUnhealthy
    }
}

/// How to build a task: its Gymnasium id, model file, frame skip and episode length.
public struct GymnasiumTaskSpec: Sendable {
    /// Gymnasium's id (`HalfCheetah-v5`).
    public let name: String
    /// The MJCF file in Gymnasium's `envs/mujoco/assets/` folder.
    public let modelFile: String
    /// Physics steps per agent step.
    public let frameSkip: Int
    /// `max_episode_steps` of the registration (the ``TimeLimit``).
    public let episodeLength: Int
    /// Builds the task from the physics, the options and the agent step `dt` (seconds).
    package let make: @Sendable (Physics, GymnasiumOptions, Double) throws -> GymnasiumTask
}

/// The small NumPy idioms the v5 tasks share.
enum GymMath {
    /// `w * np.sum(np.square(a))`, summed in NumPy's order (see ``numpySum(_:)``).
    static func weightedSquares(_ a: [Double], _ w: Double) -> Double {
        w * numpySum(a.map { $0 * $0 })
    }

    /// `np.sum` of a contiguous Float64 array, in NumPy's order so the last bits agree: the
    /// reduction starts from the first element and adds the pairwise sum of the rest, which is
    /// left to right below 8 numbers and 8 interleaved partial sums up to 128.
    static func numpySum(_ a: [Double]) -> Double {
        guard let first = a.first else { return 0 }
        return first + pairwise(a[1...])
    }

    private static func pairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count, s = a.startIndex
        if n < 8 { return a.reduce(0, +) }
        if n > 128 {
            let half = (n / 2) - (n / 2) % 8
            return pairwise(a[s ..< s + half]) + pairwise(a[(s + half)...])
        }
        var r = (0 ..< 8).map { a[s + $0] }
        var i = 8
        while i + 8 <= n {
            for j in 0 ..< 8 { r[j] += a[s + i + j] }
            i += 8
        }
        var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n { res += a[s + i]; i += 1 }
        return res
    }

    /// `np.clip(x, lo, hi)`.
    static func clip(_ x: Double, _ lo: Double, _ hi: Double) -> Double { min(max(x, lo), hi) }

    /// `init + uniform(-s, s, size)`.
    static func uniformNoise(_ initial: [Double], _ s: Double, _ random: inout RandomStream) -> [Double] {
        initial.map { $0 + random.uniformDouble(-s, s) }
    }

    /// `init + s * standard_normal(size)`.
    static func normalNoise(_ initial: [Double], _ s: Double, _ random: inout RandomStream) -> [Double] {
        initial.map { $0 + s * random.normalDouble() }
    }
}

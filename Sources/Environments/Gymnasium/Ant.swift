internal import MuJoCo
import TensorCore

/// `Ant-v5` (Gymnasium `ant_v5.AntEnv`): a four-legged walker moving forward.
///
/// Start: `qpos0 + U(−s, s)`, `s · N(0, 1)` velocities, `s = 0.1`. Observation: `qpos[2:]`,
/// `qvel`, then the contact forces `clip(cfrc_ext[1:], −1, 1)` (v5 includes them by default:
/// 27 + 78 = 105). Reward: `w_f · ẋ + healthy · 1 − 0.5 |a|² − 5e−4 |clip(cfrc_ext)|²`, `ẋ` from
/// the torso's `xpos` (as left by the last `mj_step`). Healthy: every `qpos`, `qvel` finite and
/// `0.2 ≤ z ≤ 1` (inclusive, unlike the hopper). Terminates when unhealthy.
final class Ant: GymnasiumTask {
    let forwardRewardWeight: Double, ctrlCostWeight: Double, contactCostWeight: Double, healthyReward: Double
    let terminateWhenUnhealthy: Bool, resetNoiseScale: Double, dt: Double
    static let healthyZ = (0.2, 1.0), contactForceRange = (-1.0, 1.0)
    /// `main_body = 1`, the torso.
    let mainBody = 1

    init(_ options: GymnasiumOptions, dt: Double) {
        forwardRewardWeight = options.forwardRewardWeight ?? 1.0
        ctrlCostWeight = options.ctrlCostWeight ?? 0.5
        contactCostWeight = options.contactCostWeight ?? 5e-4
        healthyReward = options.healthyReward ?? 1.0
        terminateWhenUnhealthy = options.terminateWhenUnhealthy ?? true
        resetNoiseScale = options.resetNoiseScale ?? 0.1
        self.dt = dt
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.normalNoise(initQvel, resetNoiseScale, &random))
    }

    func contactForces(_ physics: Physics) -> [Double] {
        physics.cfrcExt.map { GymMath.clip($0, Self.contactForceRange.0, Self.contactForceRange.1) }
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst(2)) + Array(physics.qvel) + contactForces(physics).dropFirst(6)
    }

    func progress(_ physics: Physics) -> [Double] { [physics.xpos[3 * mainBody], physics.xpos[3 * mainBody + 1]] }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let after = progress(physics)
        let xVelocity = (after[0] - before[0]) / dt, yVelocity = (after[1] - before[1]) / dt
        let z = physics.qpos[2]
        let healthy = physics.qpos.allSatisfy(\.isFinite) && physics.qvel.allSatisfy(\.isFinite)
            && Self.healthyZ.0 <= z && z <= Self.healthyZ.1
        let forward = xVelocity * forwardRewardWeight
        let survive = healthy ? healthyReward : 0
        let ctrlCost = GymMath.weightedSquares(action, ctrlCostWeight)
        let contactCost = GymMath.weightedSquares(contactForces(physics), contactCostWeight)
        let x = physics.qpos[0], y = physics.qpos[1]
        return GymnasiumOutcome(reward: (forward + survive) - (ctrlCost + contactCost), terminated: !healthy && terminateWhenUnhealthy, info: [
            "x_position": x, "y_position": y, "distance_from_origin": (x * x + y * y).squareRoot(),
            "x_velocity": xVelocity, "y_velocity": yVelocity, "reward_forward": forward, "reward_ctrl": -ctrlCost,
            "reward_contact": -contactCost, "reward_survive": survive,
        ])
    }
}

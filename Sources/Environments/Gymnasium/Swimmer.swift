internal import MuJoCo
import TensorCore

/// `Swimmer-v5` (Gymnasium `swimmer_v5.SwimmerEnv`): swim forward in a viscous fluid.
///
/// Start: `qpos0 + U(−s, s)`, `U(−s, s)` velocities, `s = 0.1`. Observation: `qpos[2:]`, `qvel`
/// (8). Reward: `w_f · ẋ − w_c · |a|²` with `ẋ` from the root's `x`, `w_f = 1`, `w_c = 1e−4`.
/// Never terminates.
final class Swimmer: GymnasiumTask {
    let forwardRewardWeight: Double, ctrlCostWeight: Double, resetNoiseScale: Double, dt: Double

    init(_ options: GymnasiumOptions, dt: Double) {
        forwardRewardWeight = options.forwardRewardWeight ?? 1.0
        ctrlCostWeight = options.ctrlCostWeight ?? 1e-4
        resetNoiseScale = options.resetNoiseScale ?? 0.1
        self.dt = dt
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.uniformNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst(2)) + Array(physics.qvel)
    }

    func progress(_ physics: Physics) -> [Double] { [physics.qpos[0], physics.qpos[1]] }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let x = physics.qpos[0], y = physics.qpos[1]
        let xVelocity = (x - before[0]) / dt, yVelocity = (y - before[1]) / dt
        let forward = forwardRewardWeight * xVelocity
        let ctrlCost = GymMath.weightedSquares(action, ctrlCostWeight)
        return GymnasiumOutcome(reward: forward - ctrlCost, terminated: false, info: [
            "x_position": x, "y_position": y, "distance_from_origin": (x * x + y * y).squareRoot(),
            "x_velocity": xVelocity, "y_velocity": yVelocity, "reward_forward": forward, "reward_ctrl": -ctrlCost,
        ])
    }
}

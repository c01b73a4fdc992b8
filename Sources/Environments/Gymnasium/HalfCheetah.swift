internal import MuJoCo
import TensorCore

/// `HalfCheetah-v5` (Gymnasium `half_cheetah_v5.HalfCheetahEnv`): run forward.
///
/// Start: `qpos0 + U(−s, s)`, `s · N(0, 1)` velocities, `s = reset_noise_scale = 0.1`.
/// Observation: `qpos[1:]` (all but the root's `x`), `qvel` (17). Reward: `w_f · ẋ − w_c · |a|²`
/// with `ẋ` the root's `x` change over the step's `dt = 0.05`, `w_f = 1`, `w_c = 0.1`. Never
/// terminates.
final class HalfCheetah: GymnasiumTask {
    let forwardRewardWeight: Double, ctrlCostWeight: Double, resetNoiseScale: Double, dt: Double

    init(_ options: GymnasiumOptions, dt: Double) {
        forwardRewardWeight = options.forwardRewardWeight ?? 1.0
        ctrlCostWeight = options.ctrlCostWeight ?? 0.1
        resetNoiseScale = options.resetNoiseScale ?? 0.1
        self.dt = dt
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.normalNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst()) + Array(physics.qvel)
    }

    func progress(_ physics: Physics) -> [Double] { [physics.qpos[0]] }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let x = physics.qpos[0]
        let xVelocity = (x - before[0]) / dt
        let forward = forwardRewardWeight * xVelocity
        let ctrlCost = GymMath.weightedSquares(action, ctrlCostWeight)
        return GymnasiumOutcome(reward: forward - ctrlCost, terminated: false, info: [
            "x_position": x, "x_velocity": xVelocity, "reward_forward": forward, "reward_ctrl": -ctrlCost,
        ])
    }
}

import Foundation
internal import MuJoCo
import TensorCore

/// `InvertedPendulum-v5` (Gymnasium `inverted_pendulum_v5.InvertedPendulumEnv`): keep a pole up
/// on a cart.
///
/// Start: `qpos0 + U(−s, s)`, `U(−s, s)` velocities, `s = 0.01`. Observation: `qpos`, `qvel` (4).
/// Reward 1 per step while the pole is up; terminates once `|angle| > 0.2` or the state is not
/// finite.
final class InvertedPendulum: GymnasiumTask {
    let resetNoiseScale: Double

    init(_ options: GymnasiumOptions) {
        resetNoiseScale = options.resetNoiseScale ?? 0.01
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.uniformNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] { Array(physics.qpos) + Array(physics.qvel) }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let obs = observation(physics)
        let terminated = !obs.allSatisfy(\.isFinite) || abs(obs[1]) > 0.2
        let reward: Double = terminated ? 0 : 1
        return GymnasiumOutcome(reward: reward, terminated: terminated, info: ["reward_survive": reward])
    }
}

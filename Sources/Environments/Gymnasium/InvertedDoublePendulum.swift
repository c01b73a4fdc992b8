import Foundation
internal import MuJoCo
import TensorCore

/// `InvertedDoublePendulum-v5` (Gymnasium `inverted_double_pendulum_v5`): keep a two-link pole
/// up on a cart.
///
/// Start: `qpos0 + U(−s, s)`, `s · N(0, 1)` velocities, `s = 0.1`. Observation (9): cart `x`,
/// `sin` and `cos` of the two hinge angles, `clip(qvel, ±10)`, `clip(qfrc_constraint[0], ±10)`.
/// With `(x, _, y)` the tip site's position: reward `10 · [y > 1] − (0.01 x² + (y − 2)²)
/// − (1e−3 ω₁² + 5e−3 ω₂²)`; terminates once `y ≤ 1`.
final class InvertedDoublePendulum: GymnasiumTask {
    let healthyReward: Double, resetNoiseScale: Double

    init(_ options: GymnasiumOptions) {
        healthyReward = options.healthyReward ?? 10
        resetNoiseScale = options.resetNoiseScale ?? 0.1
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.normalNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] {
        let angles = Array(physics.qpos.dropFirst())
        var obs: [Double] = [physics.qpos[0]]
        obs += angles.map { sin($0) }
        obs += angles.map { cos($0) }
        obs += physics.qvel.map { GymMath.clip($0, -10, 10) }
        obs.append(GymMath.clip(physics.qfrcConstraint[0], -10, 10))
        return obs
    }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let x = physics.siteXpos[0], y = physics.siteXpos[2]
        let terminated = y <= 1
        let v1 = physics.qvel[1], v2 = physics.qvel[2]
        let distPenalty = 0.01 * (x * x) + (y - 2) * (y - 2)
        let velPenalty = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2)
        let alive = terminated ? 0 : healthyReward
        return GymnasiumOutcome(reward: alive - distPenalty - velPenalty, terminated: terminated, info: [
            "reward_survive": alive, "distance_penalty": -distPenalty, "velocity_penalty": -velPenalty,
        ])
    }
}

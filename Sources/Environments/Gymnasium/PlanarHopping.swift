internal import MuJoCo
import TensorCore

/// What `Hopper-v5` and `Walker2d-v5` share (Gymnasium `hopper_v5.HopperEnv`,
/// `walker2d_v5.Walker2dEnv`): a planar body with root joints `x, z, angle`.
///
/// Start: `qpos0 + U(−s, s)`, `U(−s, s)` velocities. Observation: `qpos[1:]`, `clip(qvel, ±10)`.
/// Reward: `w_f · ẋ + healthy_reward · [healthy] − w_c · |a|²`. Terminates when unhealthy
/// (unless `terminate_when_unhealthy` is off). Healthy: `z` and the angle strictly inside their
/// ranges and, for the hopper, every entry of `(qpos, qvel)[2:]` strictly inside ±100.
final class PlanarHopping: GymnasiumTask {
    struct Defaults {
        let healthyZ: (Double, Double), healthyAngle: (Double, Double)
        /// `healthy_state_range` (the hopper only).
        let healthyState: (Double, Double)?
    }
    static let hopper = Defaults(healthyZ: (0.7, .infinity), healthyAngle: (-0.2, 0.2), healthyState: (-100, 100))
    static let walker = Defaults(healthyZ: (0.8, 2.0), healthyAngle: (-1, 1), healthyState: nil)

    let defaults: Defaults
    let forwardRewardWeight: Double, ctrlCostWeight: Double, healthyReward: Double
    let terminateWhenUnhealthy: Bool, resetNoiseScale: Double, dt: Double
    let initialZ: Double

    init(_ physics: Physics, _ defaults: Defaults, _ options: GymnasiumOptions, dt: Double) {
        self.defaults = defaults
        forwardRewardWeight = options.forwardRewardWeight ?? 1.0
        ctrlCostWeight = options.ctrlCostWeight ?? 1e-3
        healthyReward = options.healthyReward ?? 1.0
        terminateWhenUnhealthy = options.terminateWhenUnhealthy ?? true
        resetNoiseScale = options.resetNoiseScale ?? 5e-3
        self.dt = dt
        initialZ = physics.qpos0[1]
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.uniformNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst()) + physics.qvel.map { GymMath.clip($0, -10, 10) }
    }

    func progress(_ physics: Physics) -> [Double] { [physics.qpos[0]] }

    func isHealthy(_ physics: Physics) -> Bool {
        let z = physics.qpos[1], angle = physics.qpos[2]
        if let (lo, hi) = defaults.healthyState {
            let state = Array(physics.qpos.dropFirst(2)) + Array(physics.qvel)
            guard state.allSatisfy({ lo < $0 && $0 < hi }) else { return false }
        }
        return defaults.healthyZ.0 < z && z < defaults.healthyZ.1 && defaults.healthyAngle.0 < angle && angle < defaults.healthyAngle.1
    }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let x = physics.qpos[0]
        let xVelocity = (x - before[0]) / dt
        let healthy = isHealthy(physics)
        let forward = forwardRewardWeight * xVelocity
        let survive = healthy ? healthyReward : 0
        let ctrlCost = GymMath.weightedSquares(action, ctrlCostWeight)
        return GymnasiumOutcome(reward: (forward + survive) - ctrlCost, terminated: !healthy && terminateWhenUnhealthy, info: [
            "x_position": x, "z_distance_from_origin": physics.qpos[1] - initialZ, "x_velocity": xVelocity,
            "reward_forward": forward, "reward_ctrl": -ctrlCost, "reward_survive": survive,
        ])
    }
}

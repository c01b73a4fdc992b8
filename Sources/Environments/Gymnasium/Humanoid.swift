internal import MuJoCo
import TensorCore

/// `Humanoid-v5` and `HumanoidStandup-v5` (Gymnasium `humanoid_v5.HumanoidEnv`,
/// `humanoidstandup_v5.HumanoidStandupEnv`): a 17-actuator humanoid that runs forward, or stands
/// up from lying down.
///
/// Start (both): `qpos0 + U(−s, s)`, `U(−s, s)` velocities, `s = 0.01`. Observation (both, 348):
/// `qpos[2:]`, `qvel`, then for every body but the world `cinert` (10 each), `cvel` (6 each),
/// `qfrc_actuator[6:]`, `cfrc_ext` (6 each), as MuJoCo leaves them after the step.
///
/// Humanoid: reward `1.25 ẋ + 5 · [healthy] − 0.1 |ctrl|² − min(5e−7 |cfrc_ext|², 10)`, `ẋ` of
/// the mass-weighted mean of the bodies' `xipos`; healthy while `1 < z < 2`; terminates when not.
/// HumanoidStandup: reward `z / timestep − 0.1 |ctrl|² − min(5e−7 |cfrc_ext|², 10) + 1` (the
/// physics timestep, not `dt`, as Gymnasium has it); never terminates.
final class Humanoid: GymnasiumTask {
    let standup: Bool
    let forwardRewardWeight: Double, ctrlCostWeight: Double, contactCostWeight: Double, healthyReward: Double
    let terminateWhenUnhealthy: Bool, resetNoiseScale: Double, dt: Double, timestep: Double
    let initialZ: Double
    static let healthyZ = (1.0, 2.0), contactCostMaximum = 10.0

    init(_ physics: Physics, _ options: GymnasiumOptions, dt: Double, standup: Bool) {
        self.standup = standup
        forwardRewardWeight = options.forwardRewardWeight ?? 1.25
        ctrlCostWeight = options.ctrlCostWeight ?? 0.1
        contactCostWeight = options.contactCostWeight ?? 5e-7
        healthyReward = options.healthyReward ?? 5.0
        terminateWhenUnhealthy = options.terminateWhenUnhealthy ?? true
        resetNoiseScale = options.resetNoiseScale ?? 1e-2
        self.dt = dt
        timestep = physics.timestep
        initialZ = physics.qpos0[2]
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        (GymMath.uniformNoise(initQpos, resetNoiseScale, &random), GymMath.uniformNoise(initQvel, resetNoiseScale, &random))
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst(2)) + Array(physics.qvel) + Array(physics.cinert.dropFirst(10))
            + Array(physics.cvel.dropFirst(6)) + Array(physics.qfrcActuator.dropFirst(6)) + Array(physics.cfrcExt.dropFirst(6))
    }

    /// `mass_center`: `Σ_b m_b xipos_b / Σ_b m_b`, its `x, y`.
    func progress(_ physics: Physics) -> [Double] {
        if standup { return [] }
        let mass = physics.bodyMass, xipos = physics.xipos
        var x = 0.0, y = 0.0
        for b in 0 ..< physics.nbody {
            x += mass[b] * xipos[3 * b]
            y += mass[b] * xipos[3 * b + 1]
        }
        let total = GymMath.numpySum(Array(mass))
        return [x / total, y / total]
    }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let ctrlCost = GymMath.weightedSquares(Array(physics.ctrl), ctrlCostWeight)
        let contactCost = min(GymMath.weightedSquares(Array(physics.cfrcExt), contactCostWeight), Self.contactCostMaximum)
        let x = physics.qpos[0], y = physics.qpos[1], z = physics.qpos[2]
        if standup {
            let uph = (z - 0) / timestep
            return GymnasiumOutcome(reward: uph - ctrlCost - contactCost + 1, terminated: false, info: [
                "x_position": x, "y_position": y, "z_distance_from_origin": z - initialZ,
                "reward_linup": uph, "reward_quadctrl": -ctrlCost, "reward_impact": -contactCost,
            ])
        }
        let after = progress(physics)
        let xVelocity = (after[0] - before[0]) / dt, yVelocity = (after[1] - before[1]) / dt
        let healthy = Self.healthyZ.0 < z && z < Self.healthyZ.1
        let forward = forwardRewardWeight * xVelocity
        let survive = healthy ? healthyReward : 0
        return GymnasiumOutcome(reward: (forward + survive) - (ctrlCost + contactCost), terminated: !healthy && terminateWhenUnhealthy, info: [
            "x_position": x, "y_position": y, "distance_from_origin": (x * x + y * y).squareRoot(),
            "x_velocity": xVelocity, "y_velocity": yVelocity, "reward_forward": forward, "reward_ctrl": -ctrlCost,
            "reward_contact": -contactCost, "reward_survive": survive,
        ])
    }
}

import Foundation
internal import MuJoCo
import TensorCore

/// `Reacher-v5` (Gymnasium `reacher_v5.ReacherEnv`): bring a two-link arm's tip to a target.
///
/// Start: `qpos0 + U(−0.1, 0.1)`, then the target's two slide joints (the last two `qpos`) set
/// to a point drawn uniformly in the square `[−0.2, 0.2]²` until it lies inside the disc of
/// radius 0.2; velocities `U(−0.005, 0.005)` with the target's zero. Observation (10): `cos`,
/// `sin` of the two arm angles, the target's `qpos`, the arm's `qvel`, fingertip − target in
/// `x, y` (bodies' `xpos`). Reward: `−|fingertip − target| · w_d − |a|² · w_c`, both weights 1,
/// scored after the step (v5). Episodes are 50 steps.
final class ReacherV5: GymnasiumTask {
    let fingertip: Int, target: Int
    let distWeight = 1.0, controlWeight: Double

    init(_ physics: Physics, _ options: GymnasiumOptions) throws {
        fingertip = try physics.id(.body, "fingertip")
        target = try physics.id(.body, "target")
        controlWeight = options.ctrlCostWeight ?? 1.0
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        var qpos = initQpos.map { random.uniformDouble(-0.1, 0.1) + $0 }
        var goal: (Double, Double)
        repeat {
            goal = (random.uniformDouble(-0.2, 0.2), random.uniformDouble(-0.2, 0.2))
        } while (goal.0 * goal.0 + goal.1 * goal.1).squareRoot() >= 0.2
        qpos[qpos.count - 2] = goal.0
        qpos[qpos.count - 1] = goal.1
        var qvel = GymMath.uniformNoise(initQvel, 0.005, &random)
        qvel[qvel.count - 2] = 0
        qvel[qvel.count - 1] = 0
        return (qpos, qvel)
    }

    /// Fingertip − target (`get_body_com`, i.e. `xpos`), 3 numbers.
    func offset(_ physics: Physics) -> [Double] {
        (0 ..< 3).map { physics.xpos[3 * fingertip + $0] - physics.xpos[3 * target + $0] }
    }

    func observation(_ physics: Physics) -> [Double] {
        let q = physics.qpos
        return [cos(q[0]), cos(q[1]), sin(q[0]), sin(q[1])] + Array(q.dropFirst(2)) + Array(physics.qvel.prefix(2))
            + offset(physics).prefix(2)
    }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let v = offset(physics)
        let dist = -(v.reduce(0) { $0 + $1 * $1 }).squareRoot() * distWeight
        let ctrl = -GymMath.numpySum(action.map { $0 * $0 }) * controlWeight
        return GymnasiumOutcome(reward: dist + ctrl, terminated: false, info: ["reward_dist": dist, "reward_ctrl": ctrl])
    }
}

import Foundation
internal import MuJoCo
import TensorCore

/// `Pusher-v5` (Gymnasium `pusher_v5.PusherEnv`, model `pusher_v5.xml`): push a cylinder to a
/// goal with a seven-joint arm.
///
/// Start: `qpos0`, the cylinder's two slide joints (`qpos[-4:-2]`) at `x ~ U(−0.3, 0)`,
/// `y ~ U(−0.2, 0.2)` redrawn until farther than 0.17 from the goal at the origin (`qpos[-2:]`);
/// velocities `U(−0.005, 0.005)` with the last four zero. Observation (23): the arm's 7 `qpos`
/// and `qvel`, then the `xpos` of `tips_arm`, `object`, `goal`. Reward: `−0.5 |object − tip|
/// − |object − goal| − 0.1 |a|²`. Episodes are 100 steps.
final class Pusher: GymnasiumTask {
    let tipsArm: Int, object: Int, goal: Int
    let nearWeight = 0.5, distWeight = 1.0, controlWeight: Double

    init(_ physics: Physics, _ options: GymnasiumOptions) throws {
        tipsArm = try physics.id(.body, "tips_arm")
        object = try physics.id(.body, "object")
        goal = try physics.id(.body, "goal")
        controlWeight = options.ctrlCostWeight ?? 0.1
    }

    func initialState(initQpos: [Double], initQvel: [Double], random: inout RandomStream) -> (qpos: [Double], qvel: [Double]) {
        var qpos = initQpos
        var cylinder: (Double, Double)
        repeat {
            cylinder = (random.uniformDouble(-0.3, 0), random.uniformDouble(-0.2, 0.2))
        } while (cylinder.0 * cylinder.0 + cylinder.1 * cylinder.1).squareRoot() <= 0.17
        let n = qpos.count
        qpos[n - 4] = cylinder.0
        qpos[n - 3] = cylinder.1
        qpos[n - 2] = 0
        qpos[n - 1] = 0
        var qvel = GymMath.uniformNoise(initQvel, 0.005, &random)
        for i in qvel.count - 4 ..< qvel.count { qvel[i] = 0 }
        return (qpos, qvel)
    }

    func com(_ physics: Physics, _ body: Int) -> [Double] { (0 ..< 3).map { physics.xpos[3 * body + $0] } }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.prefix(7)) + Array(physics.qvel.prefix(7)) + com(physics, tipsArm) + com(physics, object) + com(physics, goal)
    }

    func score(_ physics: Physics, action: [Double], before: [Double]) -> GymnasiumOutcome {
        let o = com(physics, object), t = com(physics, tipsArm), g = com(physics, goal)
        let near = -(0 ..< 3).reduce(0.0) { $0 + (o[$1] - t[$1]) * (o[$1] - t[$1]) }.squareRoot() * nearWeight
        let dist = -(0 ..< 3).reduce(0.0) { $0 + (o[$1] - g[$1]) * (o[$1] - g[$1]) }.squareRoot() * distWeight
        let ctrl = -GymMath.numpySum(action.map { $0 * $0 }) * controlWeight
        return GymnasiumOutcome(reward: dist + ctrl + near, terminated: false, info: [
            "reward_dist": dist, "reward_ctrl": ctrl, "reward_near": near,
        ])
    }
}

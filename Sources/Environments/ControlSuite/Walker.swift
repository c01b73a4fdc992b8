internal import MuJoCo
import TensorCore

/// `walker-stand`, `walker-walk`, `walker-run` (dm_control `suite/walker.py`).
///
/// Start: ``JointRandomizer`` (the body then falls to the floor during the episode).
/// Observation: `(xx, xz)` orientation entries of every body but the world, torso height, `qvel`.
/// Reward: `stand = (3·tolerance(h, (1.2, ∞), margin 0.6) + (1 + upright)/2) / 4`; for moving
/// tasks times `(5·tolerance(v, (speed, ∞), margin speed/2, linear, value at margin 0.5) + 1)/6`.
final class Walker: ControlTask {
    static let standHeight = 1.2
    let moveSpeed: Double
    let torso: Int, speedSensor: Int

    init(_ physics: Physics, moveSpeed: Double) throws {
        self.moveSpeed = moveSpeed
        torso = try physics.id(.body, "torso")
        speedSensor = try physics.sensorRange("torso_subtreelinvel").lowerBound
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        JointRandomizer.randomizeLimitedAndRotational(physics, &random)
    }

    func observation(_ physics: Physics) -> [Double] {
        var obs: [Double] = []
        for b in 1 ..< physics.nbody {
            obs += [physics.xmat[9 * b + Mat3.xx], physics.xmat[9 * b + Mat3.xz]]
        }
        obs.append(physics.xpos[3 * torso + 2])
        return obs + Array(physics.qvel)
    }

    func reward(_ physics: Physics) -> Double {
        let standing = Tolerance.value(physics.xpos[3 * torso + 2], bounds: (Self.standHeight, .infinity), margin: Self.standHeight / 2)
        let upright = (1 + physics.xmat[9 * torso + Mat3.zz]) / 2
        let stand = (3 * standing + upright) / 4
        if moveSpeed == 0 { return stand }
        let move = Tolerance.value(physics.sensordata[speedSensor], bounds: (moveSpeed, .infinity), margin: moveSpeed / 2,
                                   sigmoid: .linear, valueAtMargin: 0.5)
        return stand * (5 * move + 1) / 6
    }
}

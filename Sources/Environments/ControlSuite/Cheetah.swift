internal import MuJoCo
import TensorCore

/// `cheetah-run` (dm_control `suite/cheetah.py`): run forward as fast as possible.
///
/// Start: limited joints uniform in their ranges, then 200 physics steps with zero control so the
/// body settles on the floor, then the clock is reset to 0. Observation: `qpos[1:]` (all but the
/// horizontal position), `qvel`. Reward: `tolerance(v, bounds: (10, ∞), margin: 10, linear,
/// value at margin 0)` of the torso subtree's forward speed, i.e. `min(v/10, 1)` for `v ≥ 0`.
final class CheetahRun: ControlTask {
    static let runSpeed = 10.0
    let speedSensor: Int

    init(_ physics: Physics) throws {
        precondition(physics.nq == physics.njnt, "cheetah: one qpos per joint expected")
        speedSensor = try physics.sensorRange("torso_subtreelinvel").lowerBound
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        for j in 0 ..< physics.njnt where physics.jointIsLimited(j) {
            physics.qpos[j] = random.uniformDouble(physics.jointRange[2 * j], physics.jointRange[2 * j + 1])
        }
        physics.step(200)
        physics.time = 0
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos.dropFirst()) + Array(physics.qvel)
    }

    func reward(_ physics: Physics) -> Double {
        Tolerance.value(physics.sensordata[speedSensor], bounds: (Self.runSpeed, .infinity), margin: Self.runSpeed,
                        sigmoid: .linear, valueAtMargin: 0)
    }
}

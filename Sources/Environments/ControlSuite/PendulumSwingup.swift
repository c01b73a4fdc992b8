import Foundation
internal import MuJoCo
import TensorCore

/// `pendulum-swingup` (dm_control `suite/pendulum.py`): swing the pole up and hold it there.
///
/// Start: hinge angle uniform in [−π, π). Observation: the pole's `(zz, xz)` orientation entries,
/// the hinge velocity. Reward: 1 while the pole is within 8° of vertical (`zz ≥ cos 8°`), else 0.
final class PendulumSwingup: ControlTask {
    static let cosineBound = cos(8 * Double.pi / 180)
    let hinge: Int, pole: Int

    init(_ physics: Physics) throws {
        hinge = physics.jointQposAddress(try physics.id(.joint, "hinge"))
        pole = try physics.id(.body, "pole")
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        physics.qpos[hinge] = random.uniformDouble(-Double.pi, Double.pi)
    }

    func observation(_ physics: Physics) -> [Double] {
        [physics.xmat[9 * pole + Mat3.zz], physics.xmat[9 * pole + Mat3.xz], physics.qvel[hinge]]
    }

    func reward(_ physics: Physics) -> Double {
        Tolerance.value(physics.xmat[9 * pole + Mat3.zz], bounds: (Self.cosineBound, 1))
    }
}

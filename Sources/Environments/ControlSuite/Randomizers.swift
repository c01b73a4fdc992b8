import Foundation
internal import MuJoCo
import TensorCore

/// dm_control's `randomizers.randomize_limited_and_rotational_joints`, joint by joint in model
/// order: limited hinges and slides uniform in their range; unlimited hinges uniform in [−π, π];
/// limited ball joints a random rotation of at most their range; unlimited ball joints uniform on
/// the unit 3-sphere; free joints keep their position and get the quaternion of a uniform
/// [0, 1)⁴ vector normalised (dm_control's choice, kept for comparable benchmarks).
enum JointRandomizer {
    static func randomizeLimitedAndRotational(_ physics: Physics, _ random: inout RandomStream) {
        let qpos = physics.qpos
        for j in 0 ..< physics.njnt {
            let adr = physics.jointQposAddress(j)
            let lo = physics.jointRange[2 * j], hi = physics.jointRange[2 * j + 1]
            switch (physics.jointType(j), physics.jointIsLimited(j)) {
            case (.hinge, true), (.slide, true):
                qpos[adr] = random.uniformDouble(lo, hi)
            case (.ball, true):
                let q = limitedQuaternion(&random, limit: hi)
                for k in 0 ..< 4 { qpos[adr + k] = q[k] }
            case (.hinge, false):
                qpos[adr] = random.uniformDouble(-Double.pi, Double.pi)
            case (.ball, false):
                let q = normalized((0 ..< 4).map { _ in random.normalDouble() })
                for k in 0 ..< 4 { qpos[adr + k] = q[k] }
            case (.free, false):
                let q = normalized((0 ..< 4).map { _ in random.uniformDouble() })
                for k in 0 ..< 4 { qpos[adr + 3 + k] = q[k] }
            case (.slide, false), (.free, true):
                break
            }
        }
    }

    /// A rotation about a uniformly random axis by an angle uniform in [0, limit).
    static func limitedQuaternion(_ random: inout RandomStream, limit: Double) -> [Double] {
        let axis = normalized((0 ..< 3).map { _ in random.normalDouble() })
        let half = random.uniformDouble() * limit / 2
        return [cos(half), axis[0] * sin(half), axis[1] * sin(half), axis[2] * sin(half)]
    }

    static func normalized(_ v: [Double]) -> [Double] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }
}

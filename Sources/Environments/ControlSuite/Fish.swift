internal import MuJoCo
import TensorCore

/// `fish-upright` and `fish-swim` (dm_control `suite/fish.py`).
///
/// Start: a uniformly random orientation (normalised Gaussian quaternion), the seven fin/tail
/// joints uniform in [−0.2, 0.2]; for swimming also the target at `x, y ~ U[−0.4, 0.4)`,
/// `z ~ U[0.1, 0.3)`. Observation: the seven joint angles, the torso's `zz` (upright), for
/// swimming the mouth-to-target vector in the mouth's frame, `qvel`.
/// Reward, upright: `tolerance(zz, bounds (1, 1), margin 1)`; swim:
/// `(7·tolerance(|mouth→target|, (0, r), margin 2r) + (zz + 1)/2) / 8`, `r` the two radii summed.
final class Fish: ControlTask {
    static let joints = ["tail1", "tail_twist", "tail2", "finright_roll", "finright_pitch", "finleft_roll", "finleft_pitch"]
    let swim: Bool
    let root: Int, jointQpos: [Int], jointDofs: [Int]
    let torso: Int, mouth: Int, target: Int

    init(_ physics: Physics, swim: Bool) throws {
        self.swim = swim
        root = physics.jointQposAddress(try physics.id(.joint, "root"))
        let ids = try Self.joints.map { try physics.id(.joint, $0) }
        jointQpos = ids.map(physics.jointQposAddress)
        jointDofs = ids.map(physics.jointDofAddress)
        torso = try physics.id(.body, "torso")
        mouth = try physics.id(.geom, "mouth")
        target = try physics.id(.geom, "target")
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        let q = JointRandomizer.normalized((0 ..< 4).map { _ in random.normalDouble() })
        for k in 0 ..< 4 { physics.qpos[root + 3 + k] = q[k] }
        for a in jointQpos { physics.qpos[a] = random.uniformDouble(-0.2, 0.2) }
        if swim {
            physics.geomPos[3 * target] = random.uniformDouble(-0.4, 0.4)
            physics.geomPos[3 * target + 1] = random.uniformDouble(-0.4, 0.4)
            physics.geomPos[3 * target + 2] = random.uniformDouble(0.1, 0.3)
        }
    }

    private func upright(_ physics: Physics) -> Double { physics.xmat[9 * torso + Mat3.zz] }

    /// `(target − mouth) · R_mouth`: the offset expressed in the mouth's frame.
    private func mouthToTarget(_ physics: Physics) -> [Double] {
        let p = physics.geomXpos, r = physics.geomXmat
        let d = (0 ..< 3).map { p[3 * target + $0] - p[3 * mouth + $0] }
        return (0 ..< 3).map { j in (0 ..< 3).reduce(0) { $0 + d[$1] * r[9 * mouth + 3 * $1 + j] } }
    }

    func observation(_ physics: Physics) -> [Double] {
        var obs = jointQpos.map { physics.qpos[$0] }
        obs.append(upright(physics))
        if swim { obs += mouthToTarget(physics) }
        return obs + Array(physics.qvel)
    }

    func reward(_ physics: Physics) -> Double {
        if !swim { return Tolerance.value(upright(physics), bounds: (1, 1), margin: 1) }
        let radii = physics.geomSize[3 * mouth] + physics.geomSize[3 * target]
        let d = mouthToTarget(physics)
        let distance = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
        let inTarget = Tolerance.value(distance, bounds: (0, radii), margin: 2 * radii)
        return (7 * inTarget + 0.5 * (upright(physics) + 1)) / 8
    }

    /// Swimming: the target's (x, y, z) position.
    func taskVariables(_ physics: Physics) -> [Double] {
        swim ? (0 ..< 3).map { physics.geomPos[3 * target + $0] } : []
    }

    func setTaskVariables(_ values: [Double], _ physics: Physics) throws {
        guard values.count == (swim ? 3 : 0) else {
            throw MuJoCoError.badState("fish expects \(swim ? 3 : 0) task variables, got \(values.count)")
        }
        for (k, v) in values.enumerated() { physics.geomPos[3 * target + k] = v }
    }
}

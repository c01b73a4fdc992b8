import Foundation
internal import MuJoCo
import TensorCore

/// `reacher-easy` and `reacher-hard` (dm_control `suite/reacher.py`).
///
/// Start: ``JointRandomizer``, then the target at angle `φ ~ U[0, 2π)` and radius `r ~ U[0.05, 0.2)`:
/// `(r sin φ, r cos φ)`. Observation: `qpos`, finger-to-target (x, y), `qvel`. Reward: 1 while
/// the finger is within the sum of the target's and the finger's radii, else 0.
final class Reacher: ControlTask {
    let targetSize: Double
    let target: Int, finger: Int

    init(_ physics: Physics, targetSize: Double) throws {
        self.targetSize = targetSize
        target = try physics.id(.geom, "target")
        finger = try physics.id(.geom, "finger")
        physics.geomSize[3 * target] = targetSize
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        JointRandomizer.randomizeLimitedAndRotational(physics, &random)
        let angle = random.uniformDouble(0, 2 * Double.pi)
        let radius = random.uniformDouble(0.05, 0.20)
        physics.geomPos[3 * target] = radius * sin(angle)
        physics.geomPos[3 * target + 1] = radius * cos(angle)
    }

    private func fingerToTarget(_ physics: Physics) -> [Double] {
        let p = physics.geomXpos
        return [p[3 * target] - p[3 * finger], p[3 * target + 1] - p[3 * finger + 1]]
    }

    func observation(_ physics: Physics) -> [Double] {
        Array(physics.qpos) + fingerToTarget(physics) + Array(physics.qvel)
    }

    func reward(_ physics: Physics) -> Double {
        let radii = physics.geomSize[3 * target] + physics.geomSize[3 * finger]
        let d = fingerToTarget(physics)
        return Tolerance.value((d[0] * d[0] + d[1] * d[1]).squareRoot(), bounds: (0, radii))
    }

    /// The target's (x, y) position.
    func taskVariables(_ physics: Physics) -> [Double] { [physics.geomPos[3 * target], physics.geomPos[3 * target + 1]] }

    func setTaskVariables(_ values: [Double], _ physics: Physics) throws {
        guard values.count == 2 else { throw MuJoCoError.badState("reacher expects 2 task variables, got \(values.count)") }
        physics.geomPos[3 * target] = values[0]
        physics.geomPos[3 * target + 1] = values[1]
    }
}

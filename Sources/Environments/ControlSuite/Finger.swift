import Foundation
internal import MuJoCo
import TensorCore

/// `finger-spin`, `finger-turn_easy`, `finger-turn_hard` (dm_control `suite/finger.py`).
///
/// Start: spin sets the spinner's hinge damping to 0.03; turn places the target on the spinner's
/// circle at an angle uniform in [−π, π) and sets its radius (0.07 easy, 0.03 hard). Both then
/// draw ``JointRandomizer`` states until one has no contacts (at most 1,000 tries).
/// Observation: proximal and distal joint angles and the tip position relative to the spinner
/// (x, z); the three joint velocities; `log1p` of the two touch sensors; turn adds the target
/// position relative to the spinner and the tip's distance to the target's edge.
/// Reward: spin, 1 while the hinge turns at ≤ −15 rad/s; turn, 1 while the tip is in the target.
final class Finger: ControlTask {
    enum Kind { case spin, turn(targetRadius: Double) }
    static let spinVelocity = 15.0
    let kind: Kind
    let hingeJoint: Int, cap1: Int, targetSite: Int
    let proximal: Int, distal: Int, tip: Int, spinner: Int, target: Int
    let proximalVelocity: Int, distalVelocity: Int, hingeVelocity: Int, touchTop: Int, touchBottom: Int

    init(_ physics: Physics, kind: Kind) throws {
        self.kind = kind
        hingeJoint = try physics.id(.joint, "hinge")
        cap1 = try physics.id(.geom, "cap1")
        targetSite = try physics.id(.site, "target")
        func sensor(_ name: String) throws -> Int { try physics.sensorRange(name).lowerBound }
        proximal = try sensor("proximal")
        distal = try sensor("distal")
        tip = try sensor("tip")
        spinner = try sensor("spinner")
        target = try sensor("target")
        proximalVelocity = try sensor("proximal_velocity")
        distalVelocity = try sensor("distal_velocity")
        hingeVelocity = try sensor("hinge_velocity")
        touchTop = try sensor("touchtop")
        touchBottom = try sensor("touchbottom")
        if case .spin = kind { physics.dofDamping[physics.jointDofAddress(hingeJoint)] = 0.03 }
        if case .turn(let radius) = kind { physics.siteSize[3 * targetSite] = radius }
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        if case .turn = kind {
            let angle = random.uniformDouble(-Double.pi, Double.pi)
            let hingeX = physics.xanchor[3 * hingeJoint], hingeZ = physics.xanchor[3 * hingeJoint + 2]
            let radius = physics.geomSize[3 * cap1] + physics.geomSize[3 * cap1 + 1] + physics.geomSize[3 * cap1 + 2]
            physics.sitePos[3 * targetSite] = hingeX + radius * sin(angle)
            physics.sitePos[3 * targetSite + 2] = hingeZ + radius * cos(angle)
        }
        for _ in 0 ..< 1000 {
            JointRandomizer.randomizeLimitedAndRotational(physics, &random)
            physics.afterReset()
            if physics.contactCount == 0 { return }
        }
        // dm_control raises here; a collision-free pose exists for every seed in practice.
        fatalError("finger: no collision-free initial state after 1000 attempts")
    }

    /// Sensor `s`'s (x, z) relative to the spinner's.
    private func relative(_ physics: Physics, _ s: Int) -> [Double] {
        let d = physics.sensordata
        return [d[s] - d[spinner], d[s + 2] - d[spinner + 2]]
    }

    private func distanceToTarget(_ physics: Physics) -> Double {
        let t = relative(physics, target), p = relative(physics, tip)
        let dx = t[0] - p[0], dz = t[1] - p[1]
        return (dx * dx + dz * dz).squareRoot() - physics.siteSize[3 * targetSite]
    }

    func observation(_ physics: Physics) -> [Double] {
        let d = physics.sensordata
        var obs = [d[proximal], d[distal]] + relative(physics, tip)
        obs += [d[proximalVelocity], d[distalVelocity], d[hingeVelocity]]
        obs += [log1p(d[touchTop]), log1p(d[touchBottom])]
        if case .turn = kind {
            obs += relative(physics, target)
            obs.append(distanceToTarget(physics))
        }
        return obs
    }

    func reward(_ physics: Physics) -> Double {
        switch kind {
        case .spin: physics.sensordata[hingeVelocity] <= -Self.spinVelocity ? 1 : 0
        case .turn: distanceToTarget(physics) <= 0 ? 1 : 0
        }
    }

    /// Turning: the target site's (x, z) position.
    func taskVariables(_ physics: Physics) -> [Double] {
        if case .turn = kind { return [physics.sitePos[3 * targetSite], physics.sitePos[3 * targetSite + 2]] }
        return []
    }

    func setTaskVariables(_ values: [Double], _ physics: Physics) throws {
        let expected = if case .turn = kind { 2 } else { 0 }
        guard values.count == expected else { throw MuJoCoError.badState("finger expects \(expected) task variables, got \(values.count)") }
        if expected == 2 {
            physics.sitePos[3 * targetSite] = values[0]
            physics.sitePos[3 * targetSite + 2] = values[1]
        }
    }
}

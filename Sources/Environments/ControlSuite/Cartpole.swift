internal import MuJoCo
import TensorCore

/// `cartpole-swingup` and `cartpole-balance` (dm_control `suite/cartpole.py`, dense rewards).
///
/// Start, swing-up: cart at `0.01·N(0,1)`, pole at `π + 0.01·N(0,1)` (hanging down); balance:
/// cart uniform in [−0.1, 0.1], pole uniform in [−0.034, 0.034]; both add `0.01·N(0,1)`
/// velocities. Observation: cart position, each pole's `(zz, xz)` orientation entries, `qvel`.
/// Reward: `mean((cos θ + 1)/2) · (4 + small_control)/5 · (1 + small_velocity)/2 · (1 + centered)/2`
/// with `centered = tolerance(x, margin 2)`, `small_control = tolerance(u, margin 1, quadratic,
/// value at margin 0)`, `small_velocity = min tolerance(θ̇, margin 5)`.
final class Cartpole: ControlTask {
    let swingUp: Bool
    let slider: Int, hinge: Int

    init(_ physics: Physics, swingUp: Bool) throws {
        self.swingUp = swingUp
        slider = physics.jointQposAddress(try physics.id(.joint, "slider"))
        hinge = physics.jointQposAddress(try physics.id(.joint, "hinge_1"))
    }

    func initializeEpisode(_ physics: Physics, random: inout RandomStream) {
        let nv = physics.nv, qpos = physics.qpos
        if swingUp {
            qpos[slider] = 0.01 * random.normalDouble()
            qpos[hinge] = Double.pi + 0.01 * random.normalDouble()
            for i in 2 ..< max(nv, 2) { qpos[i] = 0.1 * random.normalDouble() }
        } else {
            qpos[slider] = random.uniformDouble(-0.1, 0.1)
            for i in 1 ..< nv { qpos[i] = random.uniformDouble(-0.034, 0.034) }
        }
        for i in 0 ..< nv { physics.qvel[i] = 0.01 * random.normalDouble() }
    }

    /// `xmat` entry of every pole body (bodies 2… after the world and the cart).
    private func poles(_ physics: Physics, _ entry: Int) -> [Double] {
        (2 ..< physics.nbody).map { physics.xmat[9 * $0 + entry] }
    }

    func observation(_ physics: Physics) -> [Double] {
        var position = [physics.qpos[slider]]
        for b in 2 ..< physics.nbody {
            position += [physics.xmat[9 * b + Mat3.zz], physics.xmat[9 * b + Mat3.xz]]
        }
        return position + Array(physics.qvel)
    }

    func reward(_ physics: Physics) -> Double {
        let cosines = poles(physics, Mat3.zz)
        let upright = cosines.reduce(0) { $0 + ($1 + 1) / 2 } / Double(cosines.count)
        let centered = (1 + Tolerance.value(physics.qpos[slider], margin: 2)) / 2
        let smallControl = (4 + Tolerance.value(physics.ctrl[0], margin: 1, sigmoid: .quadratic, valueAtMargin: 0)) / 5
        let smallVelocity = (1 + physics.qvel.dropFirst().map { Tolerance.value($0, margin: 5) }.min()!) / 2
        return upright * smallControl * smallVelocity * centered
    }
}

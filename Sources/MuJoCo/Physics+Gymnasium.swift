import CMuJoCo

/// The stepping, state setting and data arrays Gymnasium's `MujocoEnv` (1.2.2) uses, which differ
/// from dm_control's: Gymnasium steps with plain `mj_step`s, so position-dependent fields (`xpos`,
/// `xipos`, `cinert`, `site_xpos`) are those of the *start* of the last physics step when a task
/// reads them, and the v5 tasks read them exactly so; reproducing the same calls reproduces the
/// same numbers.
extension Physics {
    // MARK: Gymnasium's reset and step

    /// `mj_resetData` alone (the first half of Gymnasium's `MujocoEnv.reset`).
    public func resetData() { mj_resetData(model, data) }

    /// Gymnasium's `set_state`: writes `qpos` and `qvel`, then `mj_forward` (actuation enabled).
    public func setState(qpos: [Double], qvel: [Double]) {
        precondition(qpos.count == nq && qvel.count == nv, "Physics.setState: expected \(nq) qpos and \(nv) qvel")
        let p = self.qpos, v = self.qvel
        for i in 0 ..< nq { p[i] = qpos[i] }
        for i in 0 ..< nv { v[i] = qvel[i] }
        mj_forward(model, data)
    }

    /// Gymnasium's `_step_mujoco_simulation`: `n` `mj_step`s, then `mj_rnePostConstraint` so
    /// `cacc`, `cfrc_int` and `cfrc_ext` (the contact forces Ant and Humanoid observe) are filled.
    public func gymnasiumStep(_ n: Int) {
        precondition(n >= 1, "Physics.gymnasiumStep: n must be positive")
        for _ in 0 ..< n { mj_step(model, data) }
        mj_rnePostConstraint(model, data)
    }

    // MARK: More data arrays (views into mjData / mjModel)

    /// Centre of mass of each body in world coordinates, 3 per body.
    public var xipos: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.xipos, count: 3 * nbody) }
    /// Site positions in world coordinates, 3 per site.
    public var siteXpos: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.site_xpos, count: 3 * nsite) }
    /// Composite-body inertia in the centre-of-mass frame, 10 per body.
    public var cinert: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.cinert, count: 10 * nbody) }
    /// Composite-body velocity (rotation, translation), 6 per body.
    public var cvel: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.cvel, count: 6 * nbody) }
    /// External (contact) force on each body (torque, force), 6 per body.
    public var cfrcExt: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.cfrc_ext, count: 6 * nbody) }
    /// Actuator forces in joint space, one per degree of freedom.
    public var qfrcActuator: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.qfrc_actuator, count: nv) }
    /// Constraint forces in joint space, one per degree of freedom.
    public var qfrcConstraint: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.qfrc_constraint, count: nv) }
    /// The model's reference configuration (`qpos0`), which `mj_makeData` copies into `qpos`.
    public var qpos0: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.qpos0, count: nq) }
    /// Mass of each body.
    public var bodyMass: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.body_mass, count: nbody) }
}

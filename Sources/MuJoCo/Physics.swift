import CMuJoCo
import Foundation

/// Why a MuJoCo model could not be loaded or used.
public enum MuJoCoError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case loadFailed(path: String, message: String)
    case unknownName(kind: String, name: String)
    case badState(String)

    public var description: String {
        switch self {
        case .missingFile(let path): "MuJoCo model file not found: \(path) (run scripts/setup.sh to fetch the dm_control models)"
        case .loadFailed(let path, let message): "MuJoCo could not load \(path): \(message)"
        case .unknownName(let kind, let name): "the model has no \(kind) named '\(name)'"
        case .badState(let why): "bad MuJoCo state: \(why)"
        }
    }
}

/// A MuJoCo model and its simulation data, stepped the way dm_control 1.0.34 steps them.
///
/// Arrays are exposed as views into MuJoCo's own memory (Float64, row-major as in the C API):
/// `xmat` holds 9 numbers per body (`xx xy xz yx yy yz zx zy zz`), `xpos` 3 per body, and so on.
/// Named lookups go through `mj_name2id`.
///
/// dm_control's conventions, reproduced here because they decide the numbers:
/// - ``reset()`` is `mj_resetData` followed by `mj_forward` with actuation disabled, and
///   ``afterReset()`` repeats that forward pass once the task has set the initial state.
/// - ``step(_:)`` is its "legacy" step: `mj_step2` (finishing the step whose first half the last
///   forward pass computed), `n − 1` full `mj_step`s, then `mj_step1`, so positions and velocities
///   dependent fields (`xpos`, `xmat`, sensors) are current when observations are read. With the
///   RK4 integrator it is `n` `mj_step`s then `mj_step1`.
public final class Physics {
    public let model: UnsafeMutablePointer<mjModel>
    public let data: UnsafeMutablePointer<mjData>
    /// The XML file the model came from.
    public let path: String

    private static let installHandlers: Void = { rfm_mujoco_install_handlers() }()

    /// Loads an MJCF file (its `<include>`s resolve relative to the file's folder).
    public init(xmlPath: String) throws {
        _ = Self.installHandlers
        guard FileManager.default.fileExists(atPath: xmlPath) else { throw MuJoCoError.missingFile(xmlPath) }
        var error = [CChar](repeating: 0, count: 1000)
        guard let m = mj_loadXML(xmlPath, nil, &error, Int32(error.count)) else {
            let message = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw MuJoCoError.loadFailed(path: xmlPath, message: message)
        }
        guard let d = mj_makeData(m) else {
            mj_deleteModel(m)
            throw MuJoCoError.loadFailed(path: xmlPath, message: "mj_makeData failed")
        }
        model = m
        data = d
        path = xmlPath
    }

    deinit {
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    /// The MuJoCo library's version string ("3.3.6").
    public static var version: String { String(cString: mj_versionString()) }

    // MARK: Sizes

    public var nq: Int { Int(model.pointee.nq) }
    public var nv: Int { Int(model.pointee.nv) }
    public var nu: Int { Int(model.pointee.nu) }
    public var nbody: Int { Int(model.pointee.nbody) }
    public var njnt: Int { Int(model.pointee.njnt) }
    public var ngeom: Int { Int(model.pointee.ngeom) }
    public var nsite: Int { Int(model.pointee.nsite) }
    /// Physics timestep in seconds (`opt.timestep`).
    public var timestep: Double { model.pointee.opt.timestep }
    /// Number of active contacts after the last forward pass or step.
    public var contactCount: Int { Int(data.pointee.ncon) }
    public var time: Double {
        get { data.pointee.time }
        set { data.pointee.time = newValue }
    }

    // MARK: Data arrays (views into mjData)

    public var qpos: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.qpos, count: nq) }
    public var qvel: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.qvel, count: nv) }
    public var ctrl: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.ctrl, count: nu) }
    public var sensordata: UnsafeMutableBufferPointer<Double> {
        .init(start: data.pointee.sensordata, count: Int(model.pointee.nsensordata))
    }
    public var xpos: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.xpos, count: 3 * nbody) }
    public var xmat: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.xmat, count: 9 * nbody) }
    public var geomXpos: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.geom_xpos, count: 3 * ngeom) }
    public var geomXmat: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.geom_xmat, count: 9 * ngeom) }
    public var xanchor: UnsafeMutableBufferPointer<Double> { .init(start: data.pointee.xanchor, count: 3 * njnt) }

    // MARK: Model arrays (views into mjModel; tasks edit some of them, as dm_control does)

    public var geomPos: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.geom_pos, count: 3 * ngeom) }
    public var geomSize: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.geom_size, count: 3 * ngeom) }
    public var sitePos: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.site_pos, count: 3 * nsite) }
    public var siteSize: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.site_size, count: 3 * nsite) }
    public var dofDamping: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.dof_damping, count: nv) }
    public var jointRange: UnsafeMutableBufferPointer<Double> { .init(start: model.pointee.jnt_range, count: 2 * njnt) }
    public var actuatorControlRange: UnsafeMutableBufferPointer<Double> {
        .init(start: model.pointee.actuator_ctrlrange, count: 2 * nu)
    }

    /// Whether each actuator clamps its control to ``actuatorControlRange``.
    public func actuatorIsControlLimited(_ i: Int) -> Bool { model.pointee.actuator_ctrllimited[i] != 0 }

    // MARK: Joints

    public enum JointType: Int32 { case free = 0, ball = 1, slide = 2, hinge = 3 }

    public func jointType(_ j: Int) -> JointType { JointType(rawValue: model.pointee.jnt_type[j])! }
    public func jointIsLimited(_ j: Int) -> Bool { model.pointee.jnt_limited[j] != 0 }
    /// First `qpos` index of joint `j`.
    public func jointQposAddress(_ j: Int) -> Int { Int(model.pointee.jnt_qposadr[j]) }
    /// First `qvel` index of joint `j`.
    public func jointDofAddress(_ j: Int) -> Int { Int(model.pointee.jnt_dofadr[j]) }

    // MARK: Names

    public enum ObjectKind: String { case body, joint, geom, site, sensor }

    /// The index of a named object; throws when the model has none by that name.
    public func id(_ kind: ObjectKind, _ name: String) throws -> Int {
        let type: mjtObj = switch kind {
        case .body: mjOBJ_BODY
        case .joint: mjOBJ_JOINT
        case .geom: mjOBJ_GEOM
        case .site: mjOBJ_SITE
        case .sensor: mjOBJ_SENSOR
        }
        let i = mj_name2id(model, Int32(type.rawValue), name)
        guard i >= 0 else { throw MuJoCoError.unknownName(kind: kind.rawValue, name: name) }
        return Int(i)
    }

    /// The `sensordata` slice of a named sensor.
    public func sensorRange(_ name: String) throws -> Range<Int> {
        let s = try id(.sensor, name)
        let start = Int(model.pointee.sensor_adr[s])
        return start ..< start + Int(model.pointee.sensor_dim[s])
    }

    // MARK: dm_control's reset and step

    /// `mj_resetData`, then a forward pass with actuation disabled (dm_control's `Physics.reset`).
    public func reset() {
        mj_resetData(model, data)
        forward(actuation: false)
    }

    /// The forward pass dm_control runs once a task has set the initial state.
    public func afterReset() { forward(actuation: false) }

    /// `mj_forward`, optionally with actuation disabled for the call.
    public func forward(actuation: Bool = true) {
        let saved = model.pointee.opt.disableflags
        if !actuation { model.pointee.opt.disableflags |= Int32(mjDSBL_ACTUATION.rawValue) }
        mj_forward(model, data)
        model.pointee.opt.disableflags = saved
    }

    /// Advances `n` physics steps exactly as dm_control's legacy step does.
    public func step(_ n: Int = 1) {
        precondition(n >= 1, "Physics.step: n must be positive")
        if model.pointee.opt.integrator != Int32(mjINT_RK4.rawValue) {
            mj_step2(model, data)
            for _ in 1 ..< n { mj_step(model, data) }
        } else {
            for _ in 0 ..< n { mj_step(model, data) }
        }
        mj_step1(model, data)
    }

    /// Total number of warnings MuJoCo has raised on this data (instability, bad contacts, …).
    /// dm_control treats any new warning during a step as a physics error.
    public var warningCount: Int {
        (0 ..< Int(mjNWARNING.rawValue)).reduce(0) { $0 + Int(rfm_mujoco_warning_count(data, Int32($1))) }
    }

    // MARK: State

    /// Everything that determines the next step (`mjSTATE_INTEGRATION`: time, qpos, qvel, act,
    /// warm-start accelerations, controls, applied forces, mocap, user data).
    public func integrationState() -> [Double] {
        let spec = UInt32(mjSTATE_INTEGRATION.rawValue)
        var state = [Double](repeating: 0, count: Int(mj_stateSize(model, spec)))
        mj_getState(model, data, &state, spec)
        return state
    }

    /// Restores ``integrationState()``; dependent fields are stale until the next forward pass.
    public func setIntegrationState(_ state: [Double]) throws {
        let spec = UInt32(mjSTATE_INTEGRATION.rawValue)
        let expected = Int(mj_stateSize(model, spec))
        guard state.count == expected else {
            throw MuJoCoError.badState("expected \(expected) numbers for \(URL(fileURLWithPath: path).lastPathComponent), got \(state.count)")
        }
        mj_setState(model, data, state, spec)
    }
}

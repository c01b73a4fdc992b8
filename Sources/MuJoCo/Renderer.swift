import CMuJoCo
import Foundation

/// Why a frame could not be rendered.
public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// No off-screen OpenGL: the message says what was tried and what to install.
    case noGL(String)
    case badCamera(String)
    case badSize(String)

    public var description: String {
        switch self {
        case .noGL(let why):
            "no off-screen OpenGL for MuJoCo's renderer (install libegl1 libegl-mesa0 libgl1-mesa-dri, or libosmesa6): \(why)"
        case .badCamera(let why), .badSize(let why): why
        }
    }
}

/// The process's off-screen OpenGL context, made once. A GL context is current on one thread at a
/// time, so every use goes through ``withCurrent(_:)``, which serialises them and makes the context
/// current on the calling thread for the duration (tests render from several threads at once).
///
/// `RFM_GL` (or MuJoCo's own `MUJOCO_GL`) set to `egl` or `osmesa` picks one; by default EGL on
/// Mesa's surfaceless platform, then OSMesa. Both are opened with `dlopen`, so nothing else in the
/// build needs GL.
public final class OffscreenGL: @unchecked Sendable {
    /// "egl" or "osmesa".
    public let kind: String
    private let context: OpaquePointer

    private init(backend: String?) throws {
        var error = [CChar](repeating: 0, count: 1024)
        guard let c = rfm_gl_context_create(backend, &error, Int32(error.count)) else {
            throw RenderError.noGL(error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        context = c
        kind = String(cString: rfm_gl_context_kind(c))
    }

    nonisolated(unsafe) private static var made: Result<OffscreenGL, RenderError>?
    private static let lock = NSLock()
    private let use = NSRecursiveLock()

    /// Runs `body` with the context current on this thread, one caller at a time.
    public func withCurrent<T>(_ body: () throws -> T) rethrows -> T {
        use.lock()
        defer {
            rfm_gl_context_release(context)
            use.unlock()
        }
        // Making current fails only if another thread holds it, which the lock rules out.
        let ok = rfm_gl_context_make_current(context)
        precondition(ok == 1, "OffscreenGL: could not make the \(kind) context current")
        return try body()
    }

    /// The shared context, made on first use; throws ``RenderError/noGL(_:)`` when neither EGL nor
    /// OSMesa can make one.
    public static func shared() throws -> OffscreenGL {
        lock.lock()
        defer { lock.unlock() }
        if made == nil {
            let env = ProcessInfo.processInfo.environment
            let backend = env["RFM_GL"] ?? env["MUJOCO_GL"].flatMap { ["egl", "osmesa"].contains($0) ? $0 : nil }
            do {
            let gl = try OffscreenGL(backend: backend)
            rfm_gl_context_release(gl.context)  // made current by creation; withCurrent takes it from here
            made = .success(gl)
        } catch let e as RenderError { made = .failure(e) }
        }
        return try made!.get()
    }
}

/// MuJoCo's own renderer drawing one model off screen, set up as dm_control 1.0.34's
/// `Physics.render` sets it up so that frames match it pixel for pixel on the same GL.
///
/// - camera −1 is the free camera placed by `mjv_defaultFreeCamera` (the model's centre and
///   extent, `visual/global` azimuth and elevation); 0, 1, … are the model's own cameras;
/// - default visual options (`mjv_defaultOption`), no perturbation, every category (`mjCAT_ALL`);
/// - a context made with `mjFONTSCALE_150`, drawing into MuJoCo's off-screen framebuffer, whose
///   size (`visual/global offwidth, offheight`, 640 × 480 by default) bounds the frame size.
public final class Renderer {
    public let physics: Physics
    public let width: Int
    public let height: Int
    /// The GL in use ("egl" or "osmesa").
    public var gl: String { glContext.kind }
    private let glContext: OffscreenGL
    private let context = UnsafeMutablePointer<mjrContext>.allocate(capacity: 1)
    private let scene = UnsafeMutablePointer<mjvScene>.allocate(capacity: 1)
    private let option = UnsafeMutablePointer<mjvOption>.allocate(capacity: 1)
    private let perturb = UnsafeMutablePointer<mjvPerturb>.allocate(capacity: 1)
    private let camera = UnsafeMutablePointer<mjvCamera>.allocate(capacity: 1)
    private var rgb: [UInt8]

    /// A renderer of `width` × `height` frames; throws when there is no GL or the size exceeds the
    /// model's off-screen buffer.
    public init(physics: Physics, width: Int = 320, height: Int = 240) throws {
        let global = physics.model.pointee.vis.global
        guard width >= 1, height >= 1, width <= Int(global.offwidth), height <= Int(global.offheight) else {
            throw RenderError.badSize("frame \(width)×\(height) does not fit MuJoCo's off-screen buffer of \(global.offwidth)×\(global.offheight) for this model")
        }
        glContext = try OffscreenGL.shared()
        self.physics = physics
        self.width = width
        self.height = height
        rgb = [UInt8](repeating: 0, count: 3 * width * height)
        mjr_defaultContext(context)
        glContext.withCurrent {
            mjr_makeContext(physics.model, context, Int32(mjFONTSCALE_150.rawValue))
            mjr_setBuffer(Int32(mjFB_OFFSCREEN.rawValue), context)
        }
        mjv_defaultScene(scene)
        // dm_control sizes the scene from the model; 10,000 geoms is more than any suite task draws.
        mjv_makeScene(physics.model, scene, 10_000)
        mjv_defaultOption(option)
        mjv_defaultPerturb(perturb)
        perturb.pointee.active = 0
        perturb.pointee.select = 0
        mjv_defaultCamera(camera)
        try setCamera(-1)
    }

    deinit {
        mjv_freeScene(scene)
        glContext.withCurrent { mjr_freeContext(context) }
        scene.deallocate()
        option.deallocate()
        perturb.deallocate()
        camera.deallocate()
        context.deallocate()
    }

    /// Number of cameras the model defines (ids 0 ..< count; −1 is the free camera).
    public var cameraCount: Int { Int(physics.model.pointee.ncam) }

    /// The model's camera names, by id ("" for an unnamed one).
    public var cameraNames: [String] {
        (0 ..< cameraCount).map { mj_id2name(physics.model, Int32(mjOBJ_CAMERA.rawValue), Int32($0)).map { String(cString: $0) } ?? "" }
    }

    /// Chooses the camera by id (−1 = free camera).
    public func setCamera(_ id: Int) throws {
        guard id >= -1, id < cameraCount else {
            throw RenderError.badCamera("camera \(id) does not exist: this model has \(cameraCount) camera(s) \(cameraNames) and the free camera −1")
        }
        camera.pointee.fixedcamid = Int32(id)
        if id == -1 {
            camera.pointee.type = Int32(mjCAMERA_FREE.rawValue)
            mjv_defaultFreeCamera(physics.model, camera)
        } else {
            camera.pointee.type = Int32(mjCAMERA_FIXED.rawValue)
        }
    }

    /// Chooses the camera by name or by number ("-1", "0", "side").
    public func setCamera(named name: String) throws {
        if let id = Int(name) { return try setCamera(id) }
        let id = mj_name2id(physics.model, Int32(mjOBJ_CAMERA.rawValue), name)
        guard id >= 0 else {
            throw RenderError.badCamera("no camera named '\(name)': this model has \(cameraNames) and the free camera −1")
        }
        try setCamera(Int(id))
    }

    /// The current state seen from the chosen camera: `height` rows of `width` RGB pixels, top row
    /// first (MuJoCo reads bottom row first; flipped here as dm_control does).
    public func render() -> [UInt8] {
        mjv_updateScene(physics.model, physics.data, option, perturb, camera, Int32(mjCAT_ALL.rawValue), scene)
        let viewport = mjrRect(left: 0, bottom: 0, width: Int32(width), height: Int32(height))
        glContext.withCurrent {
            // Another renderer may have drawn since: each one selects its own off-screen buffer.
            mjr_setBuffer(Int32(mjFB_OFFSCREEN.rawValue), context)
            mjr_render(viewport, scene, context)
            rgb.withUnsafeMutableBufferPointer { mjr_readPixels($0.baseAddress, nil, viewport, context) }
        }
        var flipped = [UInt8](repeating: 0, count: rgb.count)
        let row = 3 * width
        for y in 0 ..< height {
            let from = (height - 1 - y) * row
            flipped[y * row ..< (y + 1) * row] = rgb[from ..< from + row]
        }
        return flipped
    }
}

import Foundation
internal import MuJoCo

/// Draws an environment's current state: MuJoCo's renderer for the DeepMind Control tasks (see
/// ``Renderer``), a drawn rod for Gymnasium's Pendulum (no GL).
public final class EnvironmentCamera {
    public let width: Int
    public let height: Int
    /// Seconds of simulated time per agent step: the video plays in real time at one frame per step.
    public let controlTimestep: Double
    /// What draws the frames ("egl", "osmesa" or "drawn").
    public let backend: String
    private let draw: () -> [UInt8]

    /// A camera on `environment` (wrappers included). `camera` is a camera name or number of the
    /// task's model, nil or "-1" for dm_control's default free camera; Pendulum has none.
    public init(environment: Environment, camera: String? = nil, width: Int = 320, height: Int = 240) throws {
        self.width = width
        self.height = height
        switch Self.innermost(environment) {
        case let suite as ControlSuiteEnvironment:
            let renderer = try Renderer(physics: suite.physics, width: width, height: height)
            if let camera { try renderer.setCamera(named: camera) }
            controlTimestep = suite.physics.timestep * Double(suite.nSubSteps)
            backend = renderer.gl
            draw = { renderer.render() }
        case let pendulum as Pendulum:
            guard camera == nil || camera == "-1" else { throw RenderError.badCamera("pendulum has no cameras (it is drawn, not rendered)") }
            controlTimestep = Pendulum.dt
            backend = "drawn"
            draw = { PendulumDrawing.frame(theta: pendulum.theta, width: width, height: height).rgb }
        default:
            throw RenderError.badCamera("\(environment.name) cannot be rendered")
        }
    }

    /// The state as it is now.
    public func frame() -> Frame { Frame(width: width, height: height, rgb: draw()) }

    /// The environment inside ``RescaledActions`` and ``TimeLimit``.
    static func innermost(_ environment: Environment) -> Environment {
        var env = environment
        while true {
            if let w = env as? RescaledActions { env = w.inner } else if let w = env as? TimeLimit { env = w.inner } else { return env }
        }
    }
}

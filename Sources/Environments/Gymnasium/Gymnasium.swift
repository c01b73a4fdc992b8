import Foundation
internal import MuJoCo

/// The Gymnasium MuJoCo v5 tasks this build provides, with Gymnasium 1.2.2's frame skips and
/// registered episode lengths.
public enum Gymnasium {
    /// Every task, in the order `rfm env list` prints them: the locomotion six, then the rest.
    public static let tasks: [GymnasiumTaskSpec] = [
        GymnasiumTaskSpec(name: "HalfCheetah-v5", modelFile: "half_cheetah.xml", frameSkip: 5, episodeLength: 1000) { _, options, dt in HalfCheetah(options, dt: dt) },
        GymnasiumTaskSpec(name: "Hopper-v5", modelFile: "hopper.xml", frameSkip: 4, episodeLength: 1000) { PlanarHopping($0, PlanarHopping.hopper, $1, dt: $2) },
        GymnasiumTaskSpec(name: "Walker2d-v5", modelFile: "walker2d_v5.xml", frameSkip: 4, episodeLength: 1000) { PlanarHopping($0, PlanarHopping.walker, $1, dt: $2) },
        GymnasiumTaskSpec(name: "Ant-v5", modelFile: "ant.xml", frameSkip: 5, episodeLength: 1000) { _, options, dt in Ant(options, dt: dt) },
        GymnasiumTaskSpec(name: "Humanoid-v5", modelFile: "humanoid.xml", frameSkip: 5, episodeLength: 1000) { Humanoid($0, $1, dt: $2, standup: false) },
        GymnasiumTaskSpec(name: "Swimmer-v5", modelFile: "swimmer.xml", frameSkip: 4, episodeLength: 1000) { _, options, dt in Swimmer(options, dt: dt) },
        GymnasiumTaskSpec(name: "InvertedPendulum-v5", modelFile: "inverted_pendulum.xml", frameSkip: 2, episodeLength: 1000) { _, options, _ in InvertedPendulum(options) },
        GymnasiumTaskSpec(name: "InvertedDoublePendulum-v5", modelFile: "inverted_double_pendulum.xml", frameSkip: 5, episodeLength: 1000) { _, options, _ in InvertedDoublePendulum(options) },
        GymnasiumTaskSpec(name: "Reacher-v5", modelFile: "reacher.xml", frameSkip: 2, episodeLength: 50) { physics, options, _ in try ReacherV5(physics, options) },
        GymnasiumTaskSpec(name: "Pusher-v5", modelFile: "pusher_v5.xml", frameSkip: 5, episodeLength: 100) { physics, options, _ in try Pusher(physics, options) },
        GymnasiumTaskSpec(name: "HumanoidStandup-v5", modelFile: "humanoidstandup.xml", frameSkip: 5, episodeLength: 1000) { Humanoid($0, $1, dt: $2, standup: true) },
    ]

    public static var names: [String] { tasks.map(\.name) }

    public static func spec(named name: String) -> GymnasiumTaskSpec? { tasks.first { $0.name == name } }

    /// Where Gymnasium's `envs/mujoco/assets/*.xml` files are: `$RFM_GYM_ASSETS_DIR`, else the
    /// copy that `scripts/setup.sh` (fetch_gymnasium.sh) unpacks into this checkout's `.deps/`.
    public static var modelDirectory: String {
        Environments.modelDirectory(variable: "RFM_GYM_ASSETS_DIR", deps: "gymnasium-1.2.2/assets")
    }

    /// A task, unwrapped (no time limit, actions in the actuators' range).
    public static func make(_ name: String, options: GymnasiumOptions = .init()) throws -> GymnasiumEnvironment {
        guard let spec = spec(named: name) else { throw EnvironmentError.unknown(name, available: EnvironmentRegistry.names) }
        let dir = modelDirectory
        guard FileManager.default.fileExists(atPath: dir + "/" + spec.modelFile) else {
            throw EnvironmentError.missingModels(dir)
        }
        do {
            return try GymnasiumEnvironment(spec, modelDirectory: dir, options: options)
        } catch let error as MuJoCoError {
            throw EnvironmentError.badModel(name, error.description)
        }
    }
}

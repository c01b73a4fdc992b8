import Foundation
internal import MuJoCo

/// The DeepMind Control Suite tasks this build provides, with dm_control 1.0.34's timings.
public enum ControlSuite {
    /// Every task, in the order `rfm env list` prints them: the paper's eight, then cheap extras.
    public static let tasks: [ControlTaskSpec] = [
        ControlTaskSpec(name: "cheetah-run", modelFile: "cheetah.xml", timeLimit: 10, controlTimestep: nil) { try CheetahRun($0) },
        ControlTaskSpec(name: "cartpole-swingup", modelFile: "cartpole.xml", timeLimit: 10, controlTimestep: nil) { try Cartpole($0, swingUp: true) },
        ControlTaskSpec(name: "fish-swim", modelFile: "fish.xml", timeLimit: 40, controlTimestep: 0.04) { try Fish($0, swim: true) },
        ControlTaskSpec(name: "fish-upright", modelFile: "fish.xml", timeLimit: 40, controlTimestep: 0.04) { try Fish($0, swim: false) },
        ControlTaskSpec(name: "walker-walk", modelFile: "walker.xml", timeLimit: 25, controlTimestep: 0.025) { try Walker($0, moveSpeed: 1) },
        ControlTaskSpec(name: "walker-run", modelFile: "walker.xml", timeLimit: 25, controlTimestep: 0.025) { try Walker($0, moveSpeed: 8) },
        ControlTaskSpec(name: "finger-spin", modelFile: "finger.xml", timeLimit: 20, controlTimestep: 0.02) { try Finger($0, kind: .spin) },
        ControlTaskSpec(name: "finger-turn_hard", modelFile: "finger.xml", timeLimit: 20, controlTimestep: 0.02) { try Finger($0, kind: .turn(targetRadius: 0.03)) },
        ControlTaskSpec(name: "pendulum-swingup", modelFile: "pendulum.xml", timeLimit: 20, controlTimestep: nil) { try PendulumSwingup($0) },
        ControlTaskSpec(name: "cartpole-balance", modelFile: "cartpole.xml", timeLimit: 10, controlTimestep: nil) { try Cartpole($0, swingUp: false) },
        ControlTaskSpec(name: "reacher-easy", modelFile: "reacher.xml", timeLimit: 20, controlTimestep: nil) { try Reacher($0, targetSize: 0.05) },
        ControlTaskSpec(name: "walker-stand", modelFile: "walker.xml", timeLimit: 25, controlTimestep: 0.025) { try Walker($0, moveSpeed: 0) },
        ControlTaskSpec(name: "finger-turn_easy", modelFile: "finger.xml", timeLimit: 20, controlTimestep: 0.02) { try Finger($0, kind: .turn(targetRadius: 0.07)) },
        ControlTaskSpec(name: "reacher-hard", modelFile: "reacher.xml", timeLimit: 20, controlTimestep: nil) { try Reacher($0, targetSize: 0.015) },
    ]

    public static var names: [String] { tasks.map(\.name) }

    public static func spec(named name: String) -> ControlTaskSpec? { tasks.first { $0.name == name } }

    /// Where dm_control's `suite/*.xml` files are: `$RFM_DMC_SUITE_DIR`, else the copy that
    /// `scripts/setup.sh` unpacks into this checkout's `.deps/`.
    public static var modelDirectory: String {
        Environments.modelDirectory(variable: "RFM_DMC_SUITE_DIR", deps: "dm_control-1.0.34/suite")
    }

    /// A task, unwrapped (no time limit, actions in the actuators' range).
    public static func make(_ name: String) throws -> ControlSuiteEnvironment {
        guard let spec = spec(named: name) else { throw EnvironmentError.unknown(name, available: EnvironmentRegistry.names) }
        let dir = modelDirectory
        guard FileManager.default.fileExists(atPath: dir + "/" + spec.modelFile) else {
            throw EnvironmentError.missingModels(dir)
        }
        do {
            return try ControlSuiteEnvironment(spec, modelDirectory: dir)
        } catch let error as MuJoCoError {
            throw EnvironmentError.badModel(name, error.description)
        }
    }
}

import Environments
import Foundation
import NeuralNet
import TensorCore

/// A run's trained agent, loaded from its last checkpoint for acting: the configuration from the
/// run's `config.yaml`, the networks and scalars from `checkpoints/latest.safetensors`. Reads those
/// two files and writes nothing, so it is safe on a run that is still training (checkpoints are
/// replaced atomically) and on a read-only copy.
public enum SavedAgent {
    /// The saved configuration with `overrides` (`key=value`, as `--set` takes them) applied
    /// before the environment and the agent are made: `env=…` acts with the trained policy on
    /// another environment of the same observation and action sizes (the built-in walker-walk
    /// policy on dm_control's own walker through the Gymnasium bridge, say), and agent keys such as
    /// `rfm.particles_eval` change how it acts. Keys that size the networks cannot change: the
    /// checkpoint would not fit, which is reported with the environment's sizes.
    public static func load(runDirectory: URL, overrides: [String] = []) throws -> (config: RunConfig, agent: Agent) {
        let saved = try RunConfig.savedRun(runDirectory.appendingPathComponent("config.yaml").path)
        let config = try saved.overriding(overrides)
        let env = try EnvironmentRegistry.make(config: config)
        // The initial weights are overwritten by the checkpoint; the stream only sizes the networks.
        var initRNG = RandomStream(seed: UInt64(config.int("seed"))).split(1)
        let agent = AgentRegistry.make(config, observationSize: env.observationSize, actionSize: env.actionSize, rng: &initRNG)
        do {
            try Checkpoint.loadAgent(from: Checkpoint.url(in: runDirectory), into: agent)
        } catch let error as CheckpointError where !overrides.isEmpty {
            if case .shapeMismatch = error {
                throw ConfigError("the policy saved in \(runDirectory.path) (trained on '\(saved.string("env"))') does not fit "
                    + "'\(config.string("env"))' with \(overrides.joined(separator: " ")): it has observation size "
                    + "\(env.observationSize) and action size \(env.actionSize) (\(error))")
            }
            throw error
        }
        return (config, agent)
    }
}

import Environments
import Foundation
import TensorCore

/// A run's trained agent, loaded from its last checkpoint for acting: the configuration from the
/// run's `config.yaml`, the networks and scalars from `checkpoints/latest.safetensors`. Reads those
/// two files and writes nothing, so it is safe on a run that is still training (checkpoints are
/// replaced atomically) and on a read-only copy.
public enum SavedAgent {
    public static func load(runDirectory: URL) throws -> (config: RunConfig, agent: Agent) {
        let config = try RunConfig.savedRun(runDirectory.appendingPathComponent("config.yaml").path)
        let env = try EnvironmentRegistry.make(config: config)
        // The initial weights are overwritten by the checkpoint; the stream only sizes the networks.
        var initRNG = RandomStream(seed: UInt64(config.int("seed"))).split(1)
        let agent = AgentRegistry.make(config, observationSize: env.observationSize, actionSize: env.actionSize, rng: &initRNG)
        try Checkpoint.loadAgent(from: Checkpoint.url(in: runDirectory), into: agent)
        return (config, agent)
    }
}

import Foundation
import NeuralNet

extension Trainer {
    /// The files that make a folder hold a run (any one of them is enough).
    static let runFiles = ["config.yaml", "metrics.csv", "metrics.jsonl", "summary.json", "checkpoints/latest.safetensors", "tb"]

    /// Locks `runDirectory` (creating it for a new run) and checks that it suits the request:
    /// a new run needs a folder holding no run; a resumed one needs a checkpoint and a
    /// `config.yaml` that differs from the checkpoint's only in ``resumableKeys`` (checked as the
    /// checkpoint loads, ``checkResumable(_:savedYAML:checkpoint:)``). Temporary files
    /// of a killed checkpoint writer are removed (under the lock no live writer owns them).
    static func prepareFolder(_ runDirectory: URL, config: RunConfig, resume: Bool, replacingUnstarted: Bool) throws -> RunLock {
        let fm = FileManager.default
        let checkpoint = Checkpoint.url(in: runDirectory)
        if resume {
            guard fm.fileExists(atPath: checkpoint.path) else {
                throw CheckpointError.unreadable("\(checkpoint.path) (no checkpoint to resume from)")
            }
        } else {
            do {
                try fm.createDirectory(at: runDirectory, withIntermediateDirectories: true)
            } catch {
                throw FileWriteError(path: runDirectory.path, error)
            }
        }
        let lock = try RunLock(runDirectory)
        Checkpoint.removeStaleTemporaries(in: runDirectory)
        // A resumed run's configuration is compared with the checkpoint's as it loads.
        guard !resume else { return lock }
        if fm.fileExists(atPath: checkpoint.path) {
            throw ConfigError("\(runDirectory.path) already holds a run; resume it with --resume or choose another --out")
        }
        if let file = runFiles.first(where: { fm.fileExists(atPath: runDirectory.appendingPathComponent($0).path) }) {
            guard replacingUnstarted else {
                throw ConfigError("\(runDirectory.path) already holds a run that never reached its first checkpoint (it has \(file)); "
                    + "choose another --out, or remove the folder")
            }
            for name in runFiles { try? fm.removeItem(at: runDirectory.appendingPathComponent(name)) }
        }
        return lock
    }

    /// Keys that may change between a checkpoint and its resumption: how long the run goes on, and
    /// whether it also writes TensorBoard files (which no number of the run depends on).
    public static let resumableKeys: Set<String> = ["trainer.steps", "trainer.tensorboard"]

    /// Refuses to resume when the run's `config.yaml` was edited since the checkpoint in a key the
    /// run's state depends on (its seed, its sizes, its hyperparameters): the random streams and
    /// tensors in the checkpoint belong to the saved configuration.
    static func checkResumable(_ config: RunConfig, savedYAML: String?, checkpoint: URL) throws {
        guard let yaml = savedYAML else {
            throw CheckpointError.corrupt(checkpoint.path, "no configuration in the metadata")
        }
        let saved = try RunConfig.savedRun(text: yaml, source: checkpoint.path)
        for key in config.values.keys.sorted() where !resumableKeys.contains(key) && config.values[key] != saved.values[key] {
            let old = saved.values[key].map { "\($0)" } ?? "absent"
            throw ConfigError("config.yaml changed '\(key)' since the checkpoint (\(old) → \(config.values[key]!)); "
                + "a resumed run keeps its configuration, only \(resumableKeys.sorted().joined(separator: ", ")) may change")
        }
    }
}

/// A run's file could not be written (a full disk, a read-only folder): which file, at which
/// step, and which checkpoint is kept to resume from.
public struct RunWriteError: Error, CustomStringConvertible {
    public let step: Int
    public let path: String
    public let reason: String
    public let keptCheckpointStep: Int
    public let checkpoint: String

    public var description: String {
        let kept = keptCheckpointStep > 0 ? "the last good checkpoint (step \(keptCheckpointStep)) is kept in \(checkpoint)"
            : "no checkpoint was written yet"
        return "step \(step): cannot write '\(path)': \(reason); \(kept)"
    }
}

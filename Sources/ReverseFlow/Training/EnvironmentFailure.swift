import Environments
import Foundation

/// Training stopped because its environment failed mid-run (a `gym:` worker died, hung or sent
/// a non-finite observation). The checkpoint on disk is the last one written, untouched.
public struct EnvironmentFailure: Error, CustomStringConvertible {
    public let cause: EnvironmentError
    public let step: Int
    public let keptCheckpointStep: Int
    public let runDirectory: URL

    public var description: String {
        let kept = keptCheckpointStep > 0
            ? "the last checkpoint (step \(keptCheckpointStep)) is kept in \(Checkpoint.url(in: runDirectory).path); "
                + "`rfm train --resume \(runDirectory.path)` continues from it with a new episode"
            : "no checkpoint was written yet"
        return "step \(step): \(cause)\n\(kept)"
    }
}

extension Trainer {
    /// Throws ``EnvironmentFailure`` if `environment` reports a ``Environment/fault``: its reset
    /// and step cannot throw, so the trainer asks after each call.
    func checkEnvironment(_ environment: Environment) throws {
        guard let fault = environment.fault else { return }
        throw EnvironmentFailure(cause: fault, step: state.step, keptCheckpointStep: lastCheckpointStep, runDirectory: runDirectory)
    }
}

import Foundation
import NeuralNet
import TensorCore

extension Trainer {
    /// Writes `checkpoints/latest.safetensors` atomically: the agent's tensors and scalars, the
    /// replay buffer, the environment's state, the training streams and the metric files' byte
    /// offsets, so a resume continues with the same numbers and cuts the metric rows written after.
    ///
    /// A non-finite parameter refuses the write (``DivergenceError``): the last good checkpoint
    /// is worth more than a poisoned one.
    func saveCheckpoint() throws {
        for t in agent.stateTensors.tensors where !Kernels.allFinite(t) {
            throw DivergenceError(message: "training diverged before step \(state.step): a parameter is not finite; "
                + "the last good checkpoint (step \(lastCheckpointStep)) is kept in \(Checkpoint.url(in: runDirectory).path)")
        }
        try writing(log.csvURL) { try log.flush() }
        let offsets = try log.offsets()
        state.metricsOffsets = [offsets.jsonl, offsets.csv]
        state.environment = env.saveState()
        state.agentScalars = agent.stateScalars
        state.replayCount = replay.count
        state.replayPosition = replay.position
        state.streams = streams.saved
        try writing(Checkpoint.url(in: runDirectory)) {
            try Checkpoint.save(agent: agent, replay: replay, state: state, configYAML: config.yaml, to: Checkpoint.url(in: runDirectory))
        }
        lastCheckpointStep = state.step
    }

    /// After each step: if a stop signal arrived, checkpoints (unless this step just did) and
    /// throws ``TrainingStopped``, so `--resume` continues from exactly here.
    func stopIfRequested(step: Int, progress: ProgressLine) throws {
        guard let signal = stopRequested() else { return }
        if lastCheckpointStep != step { try saveCheckpoint() }
        progress.finish()
        throw TrainingStopped(signal: signal, step: step, runDirectory: runDirectory)
    }

    /// Runs a write of the run's files; a failure (a full disk, a read-only folder) becomes a
    /// ``RunWriteError`` naming the file, the step and the checkpoint that is kept.
    func writing(_ file: URL, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FileWriteError {
            throw RunWriteError(step: state.step, path: error.path, reason: error.reason,
                                keptCheckpointStep: lastCheckpointStep, checkpoint: Checkpoint.url(in: runDirectory).path)
        } catch let error as DivergenceError {
            throw error
        } catch {
            throw RunWriteError(step: state.step, path: file.path, reason: FileWriteError(path: file.path, error).reason,
                                keptCheckpointStep: lastCheckpointStep, checkpoint: Checkpoint.url(in: runDirectory).path)
        }
    }
}

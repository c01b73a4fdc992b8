import TensorCore

extension Trainer {
    /// `trainer.updates_per_step` agent updates, each on a batch sampled from the replay buffer
    /// (with the `replay` stream) and drawing its own noise from the `update` stream, all on the
    /// agent's device. `metrics` becomes the last update's; it is left alone when there are none.
    ///
    /// A non-finite metric stops the run at once (``DivergenceError``) before a checkpoint could
    /// overwrite the last good one; `step` is the 0-based step being taken.
    func update(_ batch: ReplayBuffer.Batch, step t: Int, metrics: inout Metrics) throws {
        for _ in 0..<config.int("trainer.updates_per_step") {
            metrics = Devices.using(device) {
                replay.sample(into: batch, rng: &streams.replay)
                return agent.update(batch: batch, rng: &streams.update)
            }
            if let bad = metrics.first(where: { !$0.value.isFinite }) {
                throw DivergenceError(message: "training diverged at step \(t + 1): \(bad.key) is \(bad.value); "
                    + "the last good checkpoint (step \(lastCheckpointStep)) is kept in \(Checkpoint.url(in: runDirectory).path)")
            }
        }
    }
}

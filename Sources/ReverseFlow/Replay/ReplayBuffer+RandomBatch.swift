import TensorCore

extension ReplayBuffer.Batch {
    /// Random transitions for the benchmarks and the device checks, drawn from `rng` in this
    /// order: observations and next observations standard normal, actions uniform in `[−1, 1]`,
    /// rewards uniform in `[0, 1)`; no terminations (every mask 1).
    public func fillRandom(rng: inout RandomStream) {
        rng.fillNormal(observations)
        rng.fillNormal(nextObservations)
        rng.fillUniform(actions, low: -1, high: 1)
        rng.fillUniform(rewards)
        masks.fill(1)
    }

    /// Copies every transition of `other`, a batch of the same sizes (e.g. a host batch onto a device).
    public func assign(_ other: ReplayBuffer.Batch) {
        for (x, y) in [(other.observations, observations), (other.nextObservations, nextObservations),
                       (other.actions, actions), (other.rewards, rewards), (other.masks, masks)] {
            y.assign(x)
        }
    }
}

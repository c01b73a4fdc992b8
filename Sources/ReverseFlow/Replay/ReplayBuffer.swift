import TensorCore

/// A ring buffer of transitions `(s, a, r, mask, s′)` with uniform sampling.
///
/// `mask` is 0 where the episode terminated (no bootstrap) and 1 otherwise, including time-limit
/// truncations. When full, the oldest transition is overwritten. Storage is one tensor per field
/// so a batch is gathered with one row copy per transition and the buffer checkpoints as tensors.
/// Made inside `Devices.using(device)`, the storage lives on the device: a transition is
/// uploaded as it is added, and batches are gathered there.
public final class ReplayBuffer {
    public let capacity: Int
    public let observationSize: Int
    public let actionSize: Int
    public let observations: Tensor
    public let actions: Tensor
    public let rewards: Tensor
    public let masks: Tensor
    public let nextObservations: Tensor
    /// Transitions stored (≤ capacity).
    public private(set) var count = 0
    /// Where the next transition goes.
    public private(set) var position = 0

    public init(capacity: Int, observationSize: Int, actionSize: Int) {
        precondition(capacity >= 1, "ReplayBuffer: capacity must be positive")
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        observations = Tensor(rows: capacity, cols: observationSize)
        actions = Tensor(rows: capacity, cols: actionSize)
        rewards = Tensor(rows: capacity, cols: 1)
        masks = Tensor(rows: capacity, cols: 1)
        nextObservations = Tensor(rows: capacity, cols: observationSize)
    }

    /// Stores one transition; `terminated` sets the mask to 0.
    public func add(observation: [Float], action: [Float], reward: Float, terminated: Bool, nextObservation: [Float]) {
        precondition(observation.count == observationSize && nextObservation.count == observationSize && action.count == actionSize,
                     "ReplayBuffer.add: sizes \(observation.count), \(action.count), \(nextObservation.count)")
        let i = position
        observations.setRow(i, observation)
        nextObservations.setRow(i, nextObservation)
        actions.setRow(i, action)
        rewards.setRow(i, [reward])
        masks.setRow(i, [terminated ? 0 : 1])
        position = (position + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// A batch of transitions, reusable across calls.
    public final class Batch {
        public let observations: Tensor, actions: Tensor, rewards: Tensor, masks: Tensor, nextObservations: Tensor
        /// The rows drawn, on the host, and where the batch lives (a copy on a device).
        var indices: [Int]
        let rows: Indices

        public init(size: Int, observationSize: Int, actionSize: Int) {
            observations = Tensor(rows: size, cols: observationSize)
            actions = Tensor(rows: size, cols: actionSize)
            rewards = Tensor(rows: size, cols: 1)
            masks = Tensor(rows: size, cols: 1)
            nextObservations = Tensor(rows: size, cols: observationSize)
            indices = [Int](repeating: 0, count: size)
            rows = Indices(count: size)
        }

        public var size: Int { indices.count }
    }

    /// Fills `batch` with transitions drawn uniformly with replacement.
    public func sample(into batch: Batch, rng: inout RandomStream) {
        precondition(count > 0, "ReplayBuffer.sample: the buffer is empty")
        for k in 0..<batch.size { batch.indices[k] = rng.integer(below: count) }
        // The draws are made on the host (the CPU's numbers on every backend); on a device only
        // these few indices cross, and the rows are gathered there.
        batch.rows.assign(batch.indices)
        Kernels.gatherRows(observations, batch.rows, into: batch.observations)
        Kernels.gatherRows(actions, batch.rows, into: batch.actions)
        Kernels.gatherRows(rewards, batch.rows, into: batch.rewards)
        Kernels.gatherRows(masks, batch.rows, into: batch.masks)
        Kernels.gatherRows(nextObservations, batch.rows, into: batch.nextObservations)
    }

    /// The stored tensors by name (for checkpoints). Only the first `count` rows are meaningful.
    public var namedTensors: [(String, Tensor)] {
        [("observations", observations), ("actions", actions), ("rewards", rewards), ("masks", masks),
         ("next_observations", nextObservations)]
    }

    /// Restores the counters after the tensors were loaded.
    public func restore(count: Int, position: Int) throws {
        guard (0...capacity).contains(count), (0..<capacity).contains(position) else {
            throw CheckpointStateError.invalid("replay count \(count) / position \(position) for capacity \(capacity)")
        }
        self.count = count
        self.position = position
    }
}

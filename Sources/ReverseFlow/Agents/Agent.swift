import NeuralNet
import TensorCore

/// Scalar training metrics by namespaced key (`critic/loss`, `actor/loss`, `estimator/ess`, …).
public typealias Metrics = [String: Double]

/// An online RL agent: it acts, and it learns from replayed batches.
///
/// Actions are in `[−1, 1]^d`. Randomness is passed in. Everything a run needs to resume exactly
/// is exposed as named tensors (networks, targets, optimiser moments) plus named scalars.
public protocol Agent: AnyObject {
    /// Actions `[B, d]` for observations `[B, S]`: exploratory when training, the agent's
    /// evaluation rule when `deterministic`. The result is owned by the agent until its next call.
    func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor

    /// One update on a batch; returns its metrics.
    func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics

    /// Every tensor of the agent's state, with stable dotted names.
    var stateTensors: ParameterList { get }
    /// Every scalar of the agent's state (optimiser step counts, counters, temperatures).
    var stateScalars: [String: Double] { get }
    /// Restores scalars saved from ``stateScalars`` (tensors are loaded in place by name).
    func restoreScalars(_ scalars: [String: Double]) throws
}

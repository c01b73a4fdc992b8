import TensorCore

/// A scalar function `Q(s, a)` whose Boltzmann law `∝ exp(Q/λ)` a policy learns to sample: the
/// learned critic in RL, a fixed log-density in the toy problems.
///
/// The estimator evaluates it on many candidate actions per condition at once: `actions`
/// `[G·K, d]` come in `G` groups of `K` consecutive rows, group `g` sharing row `g` of
/// `conditions` `[G, S]` (nil when `Q` depends on the action alone).
public protocol ActionValue: AnyObject {
    /// The action dimension d.
    var actionDim: Int { get }

    /// `values[n] ← Q(s_{n / K}, aₙ)` (`values` is `[G·K, 1]`) and, when `gradients` is given,
    /// `gradients[n] ← ∇ₐQ(s_{n / K}, aₙ)` `[G·K, d]`.
    func evaluate(conditions: Tensor?, actions: Tensor, values: Tensor, gradients: Tensor?)
}

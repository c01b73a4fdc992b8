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

extension TwinCritic: ActionValue {
    /// `Q = min(Q₁, Q₂)` of the online critics with its action gradient. As with JAX's `min`, the
    /// gradient flows to the smaller critic (split evenly on an exact tie).
    public func evaluate(conditions: Tensor?, actions: Tensor, values: Tensor, gradients: Tensor?) {
        guard let states = conditions else { preconditionFailure("TwinCritic.evaluate: the critic needs states") }
        let n = actions.rows
        precondition(n % states.rows == 0 && values.count == n, "TwinCritic.evaluate: \(states.rows) states, \(n) actions, \(values.count) values")
        evaluationWorkspace.reset()
        let x = evaluationWorkspace.matrix(n, stateDim + actionDim)
        // Each state repeated for its group, then the actions beside it.
        let repeated = evaluationWorkspace.matrix(n, stateDim)
        Kernels.repeatRows(states, times: n / states.rows, into: repeated)
        Kernels.copy(repeated.matrix, into: x.columns(0..<stateDim))
        Kernels.copy(actions.matrix, into: x.columns(stateDim..<(stateDim + actionDim)))
        let q1 = online[0].forward(x, cache: evaluationCaches[0])
        let q2 = online[1].forward(x, cache: evaluationCaches[1])
        Kernels.minimum(q1, q2, into: values)
        guard let gradients else { return }
        precondition(gradients.rows == n && gradients.cols == actionDim, "TwinCritic.evaluate: gradients \(gradients.shape)")
        let d1 = evaluationWorkspace.matrix(n, 1), d2 = evaluationWorkspace.matrix(n, 1)
        Kernels.zipMap(q1, q2, into: d1) { a, b in a < b ? 1 : (a == b ? 0.5 : 0) }
        Kernels.zipMap(q1, q2, into: d2) { a, b in b < a ? 1 : (a == b ? 0.5 : 0) }
        let g1 = online[0].backward(d1, cache: evaluationCaches[0], gradients: nil, inputGradient: true)!
        let g2 = online[1].backward(d2, cache: evaluationCaches[1], gradients: nil, inputGradient: true)!
        let actionColumns = stateDim..<(stateDim + actionDim)
        Kernels.copy(g1.columns(actionColumns), into: gradients.matrix)
        Kernels.add(g2.columns(actionColumns), to: gradients.matrix)
    }
}

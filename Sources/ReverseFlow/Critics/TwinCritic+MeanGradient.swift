import TensorCore

extension TwinCritic {
    /// `gradients[b] ← ½(∇ₐQ₁ + ∇ₐQ₂)(s_b, a_b)` with the online critics: the action gradient of
    /// the critic ensemble averaged over its members (QSM's `critic_jacobian`; not the gradient of
    /// the min that ``evaluate(conditions:actions:values:gradients:)`` gives). States `[B, S]`,
    /// actions and gradients `[B, A]`.
    public func meanActionGradient(states: Tensor, actions: Tensor, into gradients: Tensor) {
        let n = actions.rows
        precondition(states.rows == n && actions.cols == actionDim && gradients.rows == n && gradients.cols == actionDim,
                     "TwinCritic.meanActionGradient: states \(states.shape), actions \(actions.shape), gradients \(gradients.shape)")
        evaluationWorkspace.reset()
        let x = evaluationWorkspace.matrix(n, stateDim + actionDim)
        Kernels.concatColumns(states, actions, into: x)
        // ∂(Σ_b Qᵢ)/∂q_b = ½ for each critic: the halves make the sum of the two input gradients their mean.
        let half = evaluationWorkspace.matrix(n, 1)
        half.fill(0.5)
        let actionColumns = stateDim..<(stateDim + actionDim)
        for i in 0..<2 {
            online[i].forward(x, cache: evaluationCaches[i])
            let g = online[i].backward(half, cache: evaluationCaches[i], gradients: nil, inputGradient: true)!
            if i == 0 { Kernels.copy(g.columns(actionColumns), into: gradients.matrix) } else { Kernels.add(g.columns(actionColumns), to: gradients.matrix) }
        }
    }
}

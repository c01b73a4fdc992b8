import NeuralNet
import TensorCore

extension TwinCritic {
    /// `values[n] ← min(Q̄₁, Q̄₂)(s_{n / K}, aₙ)` with the **target** critics, for `actions`
    /// `[G·K, d]` in groups of K consecutive rows sharing a row of `states` `[G, S]`; `values` is
    /// `[G·K, 1]`. MaxEntDP weighs its posterior samples and picks its evaluation action with these.
    public func evaluateTargetMinimum(states: Tensor, actions: Tensor, values: Tensor) {
        let n = actions.rows
        precondition(n % states.rows == 0 && values.count == n && actions.cols == actionDim,
                     "TwinCritic.evaluateTargetMinimum: \(states.rows) states, actions \(actions.shape), \(values.count) values")
        evaluationWorkspace.reset()
        let x = groupedInputs(states: states, actions: actions, workspace: evaluationWorkspace)
        let q1 = target[0].forward(x, cache: evaluationCaches[0])
        let q2 = target[1].forward(x, cache: evaluationCaches[1])
        Kernels.minimum(q1, q2, into: values)
    }

    /// The critics' inputs `[s_{n / K} | aₙ]` `[G·K, S + d]` for `actions` `[G·K, d]` in groups of K
    /// consecutive rows sharing a row of `states` `[G, S]`: each state repeated for its group,
    /// then the actions beside it (in `workspace`).
    func groupedInputs(states: Tensor, actions: Tensor, workspace: Workspace) -> Tensor {
        let n = actions.rows
        let x = workspace.matrix(n, stateDim + actionDim)
        let repeated = workspace.matrix(n, stateDim)
        Kernels.repeatRows(states, times: n / states.rows, into: repeated)
        Kernels.copy(repeated.matrix, into: x.columns(0..<stateDim))
        Kernels.copy(actions.matrix, into: x.columns(stateDim..<(stateDim + actionDim)))
        return x
    }
}

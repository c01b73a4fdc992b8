import NeuralNet
import TensorCore

extension TwinCritic: ActionValue {
    /// `Q = min(Q₁, Q₂)` of the online critics with its action gradient. As with JAX's `min`, the
    /// gradient flows to the smaller critic (split evenly on an exact tie).
    ///
    /// Groups are independent, so they are evaluated in blocks of about ``FlowPolicy/blockRows``
    /// rows on all ``Parallel/workers``; each block computes exactly what one pass over all rows
    /// would compute for its rows.
    public func evaluate(conditions: Tensor?, actions: Tensor, values: Tensor, gradients: Tensor?) {
        guard let states = conditions else { preconditionFailure("TwinCritic.evaluate: the critic needs states") }
        let n = actions.rows, groups = states.rows
        precondition(n % groups == 0 && values.count == n, "TwinCritic.evaluate: \(groups) states, \(n) actions, \(values.count) values")
        if let gradients {
            precondition(gradients.rows == n && gradients.cols == actionDim, "TwinCritic.evaluate: gradients \(gradients.shape)")
        }
        while evaluationWorkers.count < max(1, Parallel.workers) { evaluationWorkers.append(EvaluationWorker()) }
        let blocked = Parallel.forEachGroupBlock(groups: groups, perGroup: n / groups, blockRows: FlowPolicy.blockRows) { g, rows, w in
            let worker = evaluationWorkers[w]
            let io = worker.io
            io.reset()
            let s = io.matrix(g.count, stateDim), a = io.matrix(rows.count, actionDim), v = io.matrix(rows.count, 1)
            Kernels.copy(states.rows(g), into: s.matrix)
            Kernels.copy(actions.rows(rows), into: a.matrix)
            let grad = gradients.map { _ in io.matrix(rows.count, actionDim) }
            evaluateBlock(states: s, actions: a, values: v, gradients: grad, worker: worker)
            Kernels.copy(v.matrix, into: values.rows(rows))
            if let gradients, let grad { Kernels.copy(grad.matrix, into: gradients.rows(rows)) }
        }
        if !blocked {
            evaluateBlock(states: states, actions: actions, values: values, gradients: gradients, worker: evaluationWorkers[0])
        }
    }

    private func evaluateBlock(states: Tensor, actions: Tensor, values: Tensor, gradients: Tensor?, worker: EvaluationWorker) {
        let n = actions.rows
        let ws = worker.workspace
        ws.reset()
        let x = groupedInputs(states: states, actions: actions, workspace: ws)
        let q1 = online[0].forward(x, cache: worker.caches[0])
        let q2 = online[1].forward(x, cache: worker.caches[1])
        Kernels.minimum(q1, q2, into: values)
        guard let gradients else { return }
        let d1 = ws.matrix(n, 1), d2 = ws.matrix(n, 1)
        Kernels.minimumShare(q1, q2, into: d1)
        Kernels.minimumShare(q2, q1, into: d2)
        let g1 = online[0].backward(d1, cache: worker.caches[0], gradients: nil, inputGradient: true)!
        let g2 = online[1].backward(d2, cache: worker.caches[1], gradients: nil, inputGradient: true)!
        let actionColumns = stateDim..<(stateDim + actionDim)
        Kernels.copy(g1.columns(actionColumns), into: gradients.matrix)
        Kernels.add(g2.columns(actionColumns), to: gradients.matrix)
    }
}

/// One worker's scratch for ``TwinCritic/evaluate(conditions:actions:values:gradients:)``.
final class EvaluationWorker {
    let workspace = Workspace()
    /// The worker's block of inputs and outputs.
    let io = Workspace()
    let caches = [MLP.Cache(), MLP.Cache()]
}

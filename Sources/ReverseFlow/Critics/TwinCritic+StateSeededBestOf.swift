import TensorCore

extension TwinCritic {
    /// Deterministic best-of-K acting, one state at a time. For row i of `states` `[B, S]`:
    /// K candidates `[K, d]` from `sample(sᵢ, &streamᵢ)`, the stream seeded by the bits of sᵢ
    /// (``StateSeededStreams``, `purpose`), and the candidate of largest value under `scoring`
    /// (``pickBest(of:states:particles:scoring:values:picks:into:)``) written to row i of
    /// `actions` `[B, d]`. The same observation thus always gives the same action, whatever the
    /// batch it comes in.
    func pickBestPerState(_ states: Tensor, purpose: StateSeededStreams.Purpose, candidates k: Int,
                          scoring: CandidateScoring, workspace: Workspace, picks: IndicesCache, into actions: Tensor,
                          sample: (_ state: Tensor, _ stream: inout RandomStream) -> Tensor) {
        let state = workspace.matrix(1, states.cols), q = workspace.matrix(k, 1), picked = workspace.matrix(1, actionDim)
        let pick = picks.indices(count: 1, on: q.device)
        for (i, var stream) in StateSeededStreams.perRow(states, purpose: purpose).enumerated() {
            Kernels.copy(states.rows(i..<(i + 1)), into: state.matrix)
            let candidates = sample(state, &stream)
            pickBest(of: candidates, states: state, particles: k, scoring: scoring, values: q, picks: pick, into: picked)
            Kernels.copy(picked.matrix, into: actions.rows(i..<(i + 1)))
        }
    }
}

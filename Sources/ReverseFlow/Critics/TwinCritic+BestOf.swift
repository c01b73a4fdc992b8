import TensorCore

extension TwinCritic {
    /// Which critics score candidate actions.
    public enum CandidateScoring {
        /// `min(Q₁, Q₂)` of the online critics (``evaluate(conditions:actions:values:gradients:)``).
        case online
        /// `min(Q̄₁, Q̄₂)` of the target critics (``evaluateTargetMinimum(states:actions:values:)``).
        case targetMinimum
    }

    /// The candidates' values as `[G, P]`: `values[i, j] ← Q(sᵢ, a_{i·P+j})` for `candidates`
    /// `[G·P, d]` in groups of P consecutive rows sharing row i of `states` `[G, S]`. `values` is
    /// a scratch of G·P elements, shaped `[G·P, 1]` for the critics and then `[G, P]` in place
    /// (so one scratch serves call after call) and returned.
    @discardableResult
    public func candidateValues(_ candidates: Tensor, states: Tensor, particles p: Int, scoring: CandidateScoring,
                                into values: Tensor) -> Tensor {
        values.reshape(candidates.rows, 1)
        switch scoring {
        case .online: evaluate(conditions: states, actions: candidates, values: values, gradients: nil)
        case .targetMinimum: evaluateTargetMinimum(states: states, actions: candidates, values: values)
        }
        values.reshape(states.rows, p)
        return values
    }

    /// Best of P on the critic: `out[i] ← a_{i·P+j*}` with `j* = argmax_j Q(sᵢ, a_{i·P+j})`, the
    /// first on ties (RFM's deterministic action, QVPO's behaviour and target actions, MaxEntDP's
    /// evaluation action). The choice is a comparison and a copy, so it is exact on every device.
    ///
    /// `values` (G·P elements, returned as `[G, P]`) and `picks` (G indices, on the candidates'
    /// device) are the caller's scratch; `picks` holds j* afterwards, for gathering other rows
    /// (RFM's latents) with the same choice; `out` is `[G, d]`.
    @discardableResult
    public func pickBest(of candidates: Tensor, states: Tensor, particles p: Int, scoring: CandidateScoring,
                         values: Tensor, picks: Indices, into out: Tensor) -> Tensor {
        let q = candidateValues(candidates, states: states, particles: p, scoring: scoring, into: values)
        Kernels.argmaxRows(q, into: picks)
        // Pick i is a particle of state i: row i·P + pick.
        Kernels.gatherRows(candidates, picks, groupSize: p, into: out)
        return q
    }
}

import TensorCore

/// MaxEntDP's noise-expectation target (the reference's update in `maxentdp.py`), the `c = 0`
/// member of the estimator family of method.md §4 in action space, with a proposal that stays
/// inside the action box.
///
/// For a noisy action `x_t = α₁·a + α₂·ε` (α₁ = √ᾱ, α₂ = max(√(1 − ᾱ), 10⁻⁵)) and
/// `σ = max(α₂/α₁, 10⁻⁵)`, the clean candidates are `x̂ᵏ = x_t/α₁ + σ·ε̃ᵏ` with `ε̃ᵏ` standard
/// normal truncated per dimension to `[−x_t/α₂ − 1/σ, −x_t/α₂ + 1/σ]`, i.e. exactly the noises
/// that put `x̂ᵏ` in `[−1, 1]`. Then
///
///     wₖ = softmax_k(min(Q̄₁, Q̄₂)(s, x̂ᵏ)/λ)        (target critics)
///     ε̂  = −Σₖ wₖ·ε̃ᵏ                               (regression target of ε_θ(x_t))
///
/// The sign: `x̂ = x_t/α₁ + (α₂/α₁)·ε̃` means `x_t = α₁·x̂ − α₂·ε̃`, so the forward noise that
/// links candidate `x̂ᵏ` to `x_t` is `−ε̃ᵏ`, and its posterior mean is `−E_w[ε̃]`.
public final class TruncatedNoiseTarget {
    /// Candidates K per row (500 in the paper preset).
    public let samples: Int
    private let workspace = Workspace()

    public init(samples: Int) {
        precondition(samples >= 1, "TruncatedNoiseTarget: need at least one sample")
        self.samples = samples
    }

    /// What one call returns; tensors belong to the estimator until its next call.
    public struct Estimate {
        /// `ε̂` `[B, d]`.
        public let noise: Tensor
        /// Batch means of the effective sample size `1/Σw²` and of Q over the candidates.
        public let ess: Float
        public let qMean: Float
    }

    /// Targets for noisy actions `xt` `[B, d]` of `states` `[B, S]`; `alpha1`, `alpha2` `[B]` as above.
    public func estimate(critic: TwinCritic, states: Tensor, xt: Tensor, alpha1: Tensor, alpha2: Tensor,
                         temperature: Float, rng: inout RandomStream) -> Estimate {
        let b = xt.rows, d = xt.cols, k = samples, n = b * k
        workspace.reset()
        let ws = workspace
        let sigma = ws.vector(b), minusInvAlpha2 = ws.vector(b), invAlpha1 = ws.vector(b)
        Kernels.ratio(alpha2, alpha1, into: sigma)
        Kernels.maximum(sigma, 1e-5, into: sigma)
        // −1/x is −(1/x) exactly.
        Kernels.reciprocal(alpha2, into: minusInvAlpha2)
        Kernels.scale(minusInvAlpha2, by: -1, into: minusInvAlpha2)
        Kernels.reciprocal(alpha1, into: invAlpha1)
        // Bounds per row, then repeated for the row's K candidates.
        let centre = ws.matrix(b, d), lowerRow = ws.matrix(b, d), upperRow = ws.matrix(b, d)
        let unit = ws.vector(b), zero = ws.vector(b)
        zero.fill(0)
        Kernels.groupAffine(xt, scale: minusInvAlpha2, shift: xt, shiftScale: zero, into: centre)
        Kernels.reciprocal(sigma, into: unit)
        Kernels.broadcastColumn(unit, into: lowerRow)
        Kernels.add(centre, lowerRow, into: upperRow)
        Kernels.subtract(centre, lowerRow, into: lowerRow)
        let lower = ws.matrix(n, d), upper = ws.matrix(n, d), candidates = ws.matrix(n, d)
        Kernels.repeatRows(lowerRow, times: k, into: lower)
        Kernels.repeatRows(upperRow, times: k, into: upper)
        rng.fillTruncatedNormal(candidates, lower: lower, upper: upper)

        // x̂ = x_t/α₁ + σ·ε̃, weighed by the target critics.
        let clean = ws.matrix(n, d), q = ws.matrix(n, 1)
        Kernels.groupAffine(candidates, scale: sigma, shift: xt, shiftScale: invAlpha1, into: clean)
        critic.evaluateTargetMinimum(states: states, actions: clean, values: q)
        q.reshape(b, k)
        let logits = ws.matrix(b, k), w = ws.matrix(b, k)
        Kernels.scale(q, by: 1 / max(temperature, 1e-12), into: logits)
        Kernels.softmaxRows(logits, into: w)
        let target = ws.matrix(b, d)
        Kernels.groupWeightedSum(w, candidates, into: target)
        Kernels.scale(target, by: -1, into: target)

        let w2 = ws.matrix(b, k), sums = ws.vector(b)
        Kernels.multiply(w, w, into: w2)
        Kernels.sumRows(w2, into: sums)
        Kernels.maximum(sums, 1e-12, into: sums)
        Kernels.reciprocal(sums, into: sums)
        let ess = Float(Kernels.sum(sums) / Double(b))
        return Estimate(noise: target, ess: ess, qMean: Float(Kernels.sum(q) / Double(n)))
    }
}

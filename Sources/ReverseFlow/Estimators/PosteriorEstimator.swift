import Foundation
import TensorCore

/// Reverse inference of the path's endpoints: the posterior mean `E[y₁ | y_t]` under the
/// Boltzmann target `p₁(y) ∝ exp(Q(s, squash(y))/λ)·|det ∂squash/∂y|`, by self-normalised
/// importance sampling with a Stein control variate (method.md §3–4).
///
/// The path is `y_t = α·y₁ + β·y₀` with `y₀ ~ N(0, I)`: the flow's linear path has `α = t`,
/// `β = 1 − t`; a VP/cosine diffusion has `α = √ᾱ`, `β = √(1 − ᾱ)`. For each row (a state and a
/// point `y_t`), with `K` source samples `y₀ᵏ`:
///
///     y₁ᵏ = (y_t − β·y₀ᵏ)/α                                  implied endpoints
///     wₖ  = softmax_k(Q(s, tanh y₁ᵏ)/λ + Σⱼ log sech² y₁ᵏⱼ)     posterior weights (ESS = 1/Σw²)
///     σₖ  = (α/β)·y₀ᵏ + (1 − tanh²y₁ᵏ) ⊙ ∇ₐQ/λ − 2·tanh y₁ᵏ     posterior score at y₁ᵏ
///     ŷ₁  = Σ wₖ y₁ᵏ + c ⊙ Σ wₖ σₖ,     ŷ₀ = (y_t − α·ŷ₁)/β
///
/// (optionally with `ŷ₁` projected onto a box, ``Settings/endpointBound``).
///
/// Without squashing (targets defined directly on ℝᵈ) the tanh and its Jacobian terms drop out.
/// The flow's velocity target is `ŷ₁ − ŷ₀`; a diffusion's noise target is `ŷ₀`.
public final class PosteriorEstimator {
    /// How the estimator is configured.
    public struct Settings: Sendable, Equatable {
        /// Source samples K per row (100 in the paper preset).
        public var samples: Int
        /// The control-variate coefficient rule.
        public var controlVariate: ControlVariate
        /// Whether actions are `tanh(y)` (RL) or `y` itself (targets on ℝᵈ).
        public var squash: Bool
        /// When set, `ŷ₁` is projected onto the box `[−b, b]ᵈ` before `ŷ₀` is formed. For a target
        /// whose support lies in that box the exact posterior mean does too (it is an average of
        /// points of the support), so the projection can only move an estimate closer to it. It
        /// bounds the error of the self-normalised estimate where the proposal is wide and the
        /// effective sample size is near one (small α/β). Off in the paper preset (its latents
        /// are unbounded); the two-moons toy uses it for every method alike.
        public var endpointBound: Float?

        public init(samples: Int, controlVariate: ControlVariate, squash: Bool = true, endpointBound: Float? = nil) {
            precondition(endpointBound.map { $0 > 0 } ?? true, "PosteriorEstimator: the endpoint bound must be positive")
            self.samples = samples
            self.controlVariate = controlVariate
            self.squash = squash
            self.endpointBound = endpointBound
        }
    }

    /// The estimates for a batch of G rows. Tensors belong to the estimator and stay valid until
    /// its next call.
    public struct Estimate {
        /// `ŷ₁` `[G, d]`.
        public let y1: Tensor
        /// `ŷ₀` `[G, d]`.
        public let y0: Tensor
        /// Effective sample size `1/Σw²` per row `[G]`.
        public let ess: Tensor
        /// Mean over dimensions of the coefficient used, per row `[G]`.
        public let coefficientMean: Tensor
        /// Mean and (population) standard deviation of Q over the K samples, per row `[G]`.
        public let qMean: Tensor
        public let qStd: Tensor

        /// Batch means of the diagnostics: (ESS, coefficient, Q mean, Q std).
        public var summary: (ess: Float, coefficient: Float, qMean: Float, qStd: Float) {
            let n = Double(max(ess.count, 1))
            let s = Kernels.sums([ess, coefficientMean, qMean, qStd]).map { Float($0 / n) }
            return (s[0], s[1], s[2], s[3])
        }
    }

    public let settings: Settings
    public let actionDim: Int
    private let workspace = Workspace()

    public init(actionDim: Int, settings: Settings) {
        precondition(settings.samples >= 1, "PosteriorEstimator: need at least one sample")
        self.actionDim = actionDim
        self.settings = settings
    }

    /// Draws the K source samples per row, `[G·K, d]` standard normals.
    public func drawNoise(rows: Int, rng: inout RandomStream) -> Tensor {
        let noise = workspace.matrix(rows * settings.samples, actionDim)
        rng.fillNormal(noise)
        return noise
    }

    /// Estimates the endpoints for rows `y_t` `[G, d]` with path coefficients `alpha`, `beta`
    /// (`[G]` each), conditions `[G, S]` (nil for a state-free target), temperature λ, and the
    /// source samples `noise` `[G·K, d]` (rows g·K ..< (g+1)·K belong to row g).
    public func estimate(target: ActionValue, conditions: Tensor?, yt: Tensor, alpha: Tensor, beta: Tensor,
                         temperature: Float, noise: Tensor) -> Estimate {
        let g = yt.rows, d = actionDim, k = settings.samples, n = g * k
        precondition(yt.cols == d && alpha.count == g && beta.count == g && noise.rows == n && noise.cols == d,
                     "PosteriorEstimator.estimate: y_t \(yt.shape), α \(alpha.count), β \(beta.count), noise \(noise.shape), K \(k)")
        precondition(target.actionDim == d, "PosteriorEstimator: target has \(target.actionDim) action dimensions, expected \(d)")
        let ws = workspace
        ws.reset()
        // Keep the caller's noise out of the recycled buffers' way: it may itself come from
        // drawNoise, i.e. from this workspace's first slot, which is re-issued first below.
        let y0 = ws.matrix(n, d)
        if y0 !== noise { y0.assign(noise) }
        let lambda = max(temperature, 1e-12)

        // Implied endpoints y₁ = (y_t − β y₀)/α.
        let invAlpha = ws.vector(g), minusBetaOverAlpha = ws.vector(g)
        Kernels.reciprocal(alpha, into: invAlpha)
        Kernels.ratio(beta, alpha, negated: true, into: minusBetaOverAlpha)
        let y1 = ws.matrix(n, d)
        Kernels.groupAffine(y0, scale: minusBetaOverAlpha, shift: yt, shiftScale: invAlpha, into: y1)

        // Q and ∇ₐQ at the candidate actions.
        let actions = ws.matrix(n, d)
        if settings.squash { Kernels.tanh(y1, into: actions) } else { actions.assign(y1) }
        let q = ws.matrix(n, 1), gradQ = ws.matrix(n, d)
        target.evaluate(conditions: conditions, actions: actions, values: q, gradients: gradQ)

        // Posterior weights: softmax over each row's K samples of Q/λ (+ the tanh Jacobian).
        q.reshape(g, k)
        let logits = ws.matrix(g, k)
        Kernels.scale(q, by: 1 / lambda, into: logits)
        let score = ws.matrix(n, d)
        if settings.squash {
            let logDet = ws.matrix(n, d), logDetSum = ws.matrix(g, k)
            Kernels.tanhLogJacobian(y1, into: logDet)
            Kernels.sumRows(logDet, into: logDetSum)
            Kernels.add(logits, logDetSum, into: logits)
            // ∇_y log p₁ = (1 − a²) ⊙ ∇ₐQ/λ − 2a.
            Kernels.tanhScore(actions: actions, actionGradient: gradQ, temperature: lambda, into: score)
        } else {
            Kernels.scale(gradQ, by: 1 / lambda, into: score)
        }
        let w = ws.matrix(g, k)
        Kernels.softmaxRows(logits, into: w)

        // σ = (α/β)·y₀ + ∇ log p₁.
        let alphaOverBeta = ws.vector(g), zero = ws.vector(g)
        Kernels.ratio(alpha, beta, into: alphaOverBeta)
        zero.fill(0)
        let sigma = ws.matrix(n, d)
        Kernels.groupAffine(y0, scale: alphaOverBeta, shift: yt, shiftScale: zero, into: sigma)
        Kernels.add(sigma, score, into: sigma)

        let yBar = ws.matrix(g, d), sigmaBar = ws.matrix(g, d)
        Kernels.groupWeightedSum(w, y1, into: yBar)
        Kernels.groupWeightedSum(w, sigma, into: sigmaBar)
        let c = coefficients(w: w, y1: y1, sigma: sigma, yBar: yBar, sigmaBar: sigmaBar, alpha: alpha, beta: beta)

        // ŷ₁ = ȳ + c ⊙ σ̄;  ŷ₀ = (y_t − α ŷ₁)/β.
        let y1Post = ws.matrix(g, d), y0Post = ws.matrix(g, d)
        Kernels.multiply(c, sigmaBar, into: y1Post)
        Kernels.add(y1Post, yBar, into: y1Post)
        if let b = settings.endpointBound { Kernels.clamp(y1Post, bound: b, into: y1Post) }
        let minusAlphaOverBeta = ws.vector(g), invBeta = ws.vector(g)
        Kernels.ratio(alpha, beta, negated: true, into: minusAlphaOverBeta)
        Kernels.reciprocal(beta, into: invBeta)
        Kernels.groupAffine(y1Post, scale: minusAlphaOverBeta, shift: yt, shiftScale: invBeta, into: y0Post)

        let qMean = ws.vector(g), qStd = ws.vector(g)
        Kernels.meanAndStdRows(q, mean: qMean, std: qStd)
        return Estimate(y1: y1Post, y0: y0Post, ess: effectiveSampleSize(w), coefficientMean: rowMeans(c),
                        qMean: qMean, qStd: qStd)
    }

    /// The coefficient `c` `[G, d]` of the configured rule.
    private func coefficients(w: Tensor, y1: Tensor, sigma: Tensor, yBar: Tensor, sigmaBar: Tensor,
                              alpha: Tensor, beta: Tensor) -> Tensor {
        let ws = workspace
        let c = ws.matrix(yBar.rows, yBar.cols)
        switch settings.controlVariate {
        case .noise:
            c.fill(0)
        case .fixed(let value):
            c.fill(value)
        case .gradient:
            let ratio = ws.vector(alpha.count)
            Kernels.squaredRatio(beta, alpha, into: ratio)
            Kernels.broadcastColumn(ratio, into: c)
        case .optimal(let ridge, let clip):
            let w2 = ws.matrix(w.rows, w.cols)
            Kernels.multiply(w, w, into: w2)
            let yc = ws.matrix(y1.rows, y1.cols), sc = ws.matrix(y1.rows, y1.cols)
            Kernels.subtractGroupRows(y1, yBar, into: yc)
            Kernels.subtractGroupRows(sigma, sigmaBar, into: sc)
            Kernels.multiply(yc, sc, into: yc)   // (y₁ − ȳ)(σ − σ̄)
            Kernels.multiply(sc, sc, into: sc)   // (σ − σ̄)²
            let numerator = ws.matrix(c.rows, c.cols), denominator = ws.matrix(c.rows, c.cols)
            Kernels.groupWeightedSum(w2, yc, into: numerator)
            Kernels.groupWeightedSum(w2, sc, into: denominator)
            Kernels.controlVariateCoefficient(numerator: numerator, denominator: denominator, ridge: ridge, clip: clip, into: c)
        }
        return c
    }

    private func effectiveSampleSize(_ w: Tensor) -> Tensor {
        let w2 = workspace.matrix(w.rows, w.cols), ess = workspace.vector(w.rows)
        Kernels.multiply(w, w, into: w2)
        Kernels.sumRows(w2, into: ess)
        Kernels.reciprocal(ess, plus: 1e-12, into: ess)
        return ess
    }

    private func rowMeans(_ m: Tensor) -> Tensor {
        let out = workspace.vector(m.rows)
        Kernels.sumRows(m, into: out)
        Kernels.scale(out, by: 1 / Float(m.cols), into: out)
        return out
    }
}

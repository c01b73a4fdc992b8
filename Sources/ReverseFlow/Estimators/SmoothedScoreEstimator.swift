import Foundation
import TensorCore

/// The gradient-expectation score estimate of DQS and iDEM (the reference's
/// `score_estimator.py`, `estimate_grad_Rt`): the score at `x` of the Boltzmann law
/// `p₀(a | s) ∝ exp(Q(s, a)/λ)` smoothed by the VE kernel `N(0, h·I)`,
///
///     ∇ₓ log p_h(x) = ∇ₓ log E_ε[exp(Q(s, x + √h·ε)/λ)]
///                   ≈ ∇ₓ [logsumexp_k Q(s, x + √h·εᵏ)/λ − log K]
///                   = Σₖ wₖ · ∇ₐQ(s, x + √h·εᵏ)/λ,         wₖ = softmax_k(Q(s, x + √h·εᵏ)/λ)
///
/// with K standard-normal εᵏ per row. Q is evaluated on the unbounded candidates (no `tanh`), as
/// in the reference. Rows are processed in chunks of at most ``maxRowsPerChunk`` candidates so
/// the critic's activations stay small; the chunking does not change the arithmetic of a row.
public final class SmoothedScoreEstimator {
    /// What an estimate reports besides the scores (per row `[G]`; batch means in ``summary``).
    public struct Estimate {
        /// `∇ₓ log p_h(x)` `[G, d]`.
        public let scores: Tensor
        /// Effective sample size `1/Σw²`.
        public let ess: Tensor
        /// Mean and (population) standard deviation of Q over the K candidates.
        public let qMean: Tensor
        public let qStd: Tensor

        public var summary: (ess: Float, qMean: Float, qStd: Float) {
            let n = Double(max(ess.count, 1))
            let s = Kernels.sums([ess, qMean, qStd]).map { Float($0 / n) }
            return (s[0], s[1], s[2])
        }
    }

    /// Candidates K per row (1000 in the paper preset).
    public let samples: Int
    public let actionDim: Int
    /// Largest number of candidate rows (G·K) given to the target at once.
    public var maxRowsPerChunk = 16384
    private let noiseWorkspace = Workspace()
    private let workspace = Workspace()
    private let chunkWorkspace = Workspace()

    public init(actionDim: Int, samples: Int) {
        precondition(samples >= 1, "SmoothedScoreEstimator: need at least one sample")
        self.actionDim = actionDim
        self.samples = samples
    }

    /// The K standard normals of each of `rows` rows, `[rows·K, d]` (row g's are rows g·K ..< (g+1)·K).
    public func drawNoise(rows: Int, rng: inout RandomStream) -> Tensor {
        noiseWorkspace.reset()
        let noise = noiseWorkspace.matrix(rows * samples, actionDim)
        rng.fillNormal(noise)
        return noise
    }

    /// Scores for points `x` `[G, d]` with kernel variances `variance` `[G]`, conditions `[G, S]`
    /// (nil for a state-free target), temperature λ and the candidates' noise `[G·K, d]` (from
    /// ``drawNoise(rows:rng:)`` or the caller's own). The result belongs to the estimator until its next call.
    public func estimate(target: ActionValue, conditions: Tensor?, x: Tensor, variance: Tensor, temperature: Float,
                         noise: Tensor) -> Estimate {
        let g = x.rows, d = actionDim, k = samples
        precondition(x.cols == d && variance.count == g && noise.rows == g * k && noise.cols == d && target.actionDim == d,
                     "SmoothedScoreEstimator.estimate: x \(x.shape), variance \(variance.count), noise \(noise.shape), K \(k)")
        workspace.reset()
        let scores = workspace.matrix(g, d), ess = workspace.vector(g), qMean = workspace.vector(g), qStd = workspace.vector(g)
        let lambda = max(temperature, 1e-12)
        let rowsPerChunk = max(1, maxRowsPerChunk / k)
        var start = 0
        while start < g {
            let end = min(g, start + rowsPerChunk), m = end - start
            let ws = chunkWorkspace
            ws.reset()
            // Candidates x + √h·ε for this chunk's rows.
            let candidates = ws.matrix(m * k, d), xChunk = ws.matrix(m, d), scale = ws.vector(m), one = ws.vector(m)
            Kernels.copy(noise.rows((start * k)..<(end * k)), into: candidates.matrix)
            Kernels.copy(x.rows(start..<end), into: xChunk.matrix)
            Kernels.copy(variance.columns(start..<end), into: scale.matrix)
            Kernels.squareRoot(scale, into: scale)
            one.fill(1)
            Kernels.groupAffine(candidates, scale: scale, shift: xChunk, shiftScale: one, into: candidates)
            var states: Tensor?
            if let conditions {
                let s = ws.matrix(m, conditions.cols)
                Kernels.copy(conditions.rows(start..<end), into: s.matrix)
                states = s
            }
            let q = ws.matrix(m * k, 1), gradQ = ws.matrix(m * k, d)
            target.evaluate(conditions: states, actions: candidates, values: q, gradients: gradQ)
            // w = softmax(Q/λ) per row; score = Σ w ∇Q / λ.
            q.reshape(m, k)
            let logits = ws.matrix(m, k), w = ws.matrix(m, k), chunkScores = ws.matrix(m, d)
            Kernels.scale(q, by: 1 / lambda, into: logits)
            Kernels.softmaxRows(logits, into: w)
            Kernels.groupWeightedSum(w, gradQ, into: chunkScores)
            Kernels.scale(chunkScores, by: 1 / lambda, into: chunkScores)
            Kernels.copy(chunkScores.matrix, into: scores.rows(start..<end))
            // Diagnostics.
            let mean = ws.vector(m), std = ws.vector(m)
            Kernels.meanAndStdRows(q, mean: mean, std: std)
            Kernels.multiply(w, w, into: logits)
            let sumSquares = ws.vector(m)
            Kernels.sumRows(logits, into: sumSquares)
            Kernels.reciprocal(sumSquares, plus: 1e-12, into: sumSquares)
            Kernels.copy(sumSquares.matrix, into: ess.columns(start..<end))
            Kernels.copy(mean.matrix, into: qMean.columns(start..<end))
            Kernels.copy(std.matrix, into: qStd.columns(start..<end))
            start = end
        }
        return Estimate(scores: scores, ess: ess, qMean: qMean, qStd: qStd)
    }
}

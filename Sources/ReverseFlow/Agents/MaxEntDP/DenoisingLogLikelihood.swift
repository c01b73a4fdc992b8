import Foundation
import TensorCore

/// MaxEntDP's estimate of `log π(a|s)` from the noise-prediction error (the reference's
/// `_calc_log_prob`; the information-theoretic identity of Kong et al., 2023):
///
///     log p(a) = −(d/2)·log(2πe) + ½ ∫ (d·ᾱ − E_ε‖ε − ε̂(√ᾱ·a + √(1 − ᾱ)·ε)‖²) d log SNR
///
/// exact for the optimal noise predictor ε̂ when the log-SNR runs over all of ℝ. No ODE is
/// integrated and no divergence is estimated: the integral is a right Riemann sum over the N
/// points of a ``CosineDiffusionGrid`` (ᾱ clipped to `[10⁻⁵, 1 − 10⁻⁵]`), with weights
/// `(ᾱ_prev − ᾱ)/(2ᾱ(1 − ᾱ)) ≈ ½·Δ log SNR`, and each expectation is a mean over M fresh noise
/// draws per action and grid point:
///
///     log p̂(a) = Σ_k (d·ᾱ_k − mean_m ‖ε̂_km − ε_km‖²)·(ᾱ_prev,k − ᾱ_k)/(2ᾱ_k(1 − ᾱ_k)) − (d/2)·log(2πe)
///
/// With `clipDenoised`, ε̂ is first turned into a clean-sample prediction, clipped to `[−1, 1]`,
/// and turned back, `ε̂ ← (x − √ᾱ·clip(x̂₀))/√(1 − ᾱ)`, as the reference does.
public final class DenoisingLogLikelihood {
    public let grid: CosineDiffusionGrid
    /// Noise draws M per action and grid point.
    public let samples: Int
    public let clipDenoised: Bool
    private let workspace = Workspace()

    public init(grid: CosineDiffusionGrid, samples: Int, clipDenoised: Bool = true) {
        precondition(samples >= 1, "DenoisingLogLikelihood: need at least one sample")
        self.grid = grid
        self.samples = samples
        self.clipDenoised = clipDenoised
    }

    /// `log p̂(aᵦ)` `[B]` for `actions` `[B, d]`. `predictNoise(x, logSNR)` returns ε̂ for the noisy
    /// actions `x` `[B·M, d]` (M consecutive rows per action) at one grid point; its result may
    /// belong to the caller and is read before the next call.
    public func estimate(actions: Tensor, rng: inout RandomStream, predictNoise: (Tensor, Float) -> Tensor) -> Tensor {
        let b = actions.rows, d = actions.cols, m = samples, n = b * m
        workspace.reset()
        let logProb = workspace.vector(b), noise = workspace.matrix(n, d), x = workspace.matrix(n, d)
        let error = workspace.matrix(n, d), rowError = workspace.vector(n), meanError = workspace.vector(b)
        let noiseScale = workspace.vector(b), signalScale = workspace.vector(b)
        logProb.fill(0)
        for k in 0..<grid.steps {
            let ab = min(max(grid.alphaBar[k], 1e-5), 1 - 1e-5), abPrev = grid.alphaBarPrevious[k]
            let a = ab.squareRoot(), s = (1 - ab).squareRoot()
            rng.fillNormal(noise)
            // x = √ᾱ·a + √(1 − ᾱ)·ε, each action repeated over its M draws.
            noiseScale.fill(s)
            signalScale.fill(a)
            Kernels.groupAffine(noise, scale: noiseScale, shift: actions, shiftScale: signalScale, into: x)
            let eps = predictNoise(x, CosineDiffusionGrid.logSNR(ab))
            if clipDenoised {
                // x̂₀ = clip((x − sε)/a, ±1), then the noise it implies, (x − a·x̂₀)/s.
                Kernels.scaledDifference(x, minus: s, times: eps, over: a, into: error)
                Kernels.clamp(error, bound: 1, into: error)
                Kernels.scaledDifference(x, minus: a, times: error, over: s, into: error)
                Kernels.subtract(error, noise, into: error)
            } else {
                Kernels.subtract(eps, noise, into: error)
            }
            Kernels.multiply(error, error, into: error)
            Kernels.sumRows(error, into: rowError)
            rowError.reshape(b, m)
            Kernels.sumRows(rowError, into: meanError)
            rowError.reshape(count: n)
            let weight = (abPrev - ab) / (2 * ab * (1 - ab))
            let dAb = Float(d) * ab, scale = weight / Float(m)
            Kernels.shiftedDifference(logProb, plus: dAb * weight, minus: scale, times: meanError, into: logProb)
        }
        let constant = 0.5 * Float(d) * Foundation.log(2 * Float.pi * Float(M_E))
        Kernels.addScalar(logProb, -constant, into: logProb)
        return logProb
    }
}

import TensorCore

/// One DDPM reverse step `x_i → x_{i−1}` in place, through the clean estimate (Ho et al. 2020,
/// eqs. 7 and 15), shared by ``DiffusionPolicy``, MaxEntDP's cosine sampler and QVPO's diffusion:
///
///     x̂₀      = (x_i − √(1 − ᾱᵢ)·ε)/√ᾱᵢ                      (clipped to [−c, c] if `clip` is set)
///     βᵢ      = 1 − ᾱᵢ/ᾱᵢ₋₁
///     x_{i−1} = √ᾱᵢ₋₁·βᵢ/(1 − ᾱᵢ)·x̂₀ + √αᵢ·(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ)·x_i + σᵢ·z,   z ~ N(0, I)
///
/// The options exist because each agent follows its reference's Float arithmetic, and the
/// numbers of every run must not change: the forms below are equal in exact arithmetic but not
/// in Float32 (√αᵢ computed as √(1 − βᵢ) or as √(ᾱᵢ/ᾱᵢ₋₁), for instance).
struct DDPMStep {
    /// How x̂₀ is computed.
    enum CleanEstimate {
        /// `(x_i − √(1 − ᾱᵢ)·ε)/√ᾱᵢ` in one fused kernel (``DiffusionPolicy``, MaxEntDP).
        case divided
        /// `√(1/ᾱᵢ)·x_i − √(1/ᾱᵢ − 1)·ε` (QVPO, as its reference writes it).
        case reciprocal
    }

    /// How √αᵢ, x_i's share, is computed.
    enum Retention {
        /// `√(1 − βᵢ)` (``DiffusionPolicy``, QVPO).
        case oneMinusBeta
        /// `√(ᾱᵢ/ᾱᵢ₋₁)` (MaxEntDP).
        case ratio
    }

    /// The standard deviation σᵢ of the added noise.
    enum NoiseScale {
        /// The posterior's `√(βᵢ(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ))`, its variance floored at `floor` when given.
        case posterior(floor: Float?)
        /// `√βᵢ` (MaxEntDP's reference).
        case beta
    }

    var clean: CleanEstimate
    /// The bound c of x̂₀'s clip; nil for none.
    var clip: Float?
    var retention: Retention
    var noiseScale: NoiseScale
    /// A factor on σᵢ (QVPO's noise ratio); nil for none.
    var noiseMultiplier: Float? = nil

    /// x̂₀ of `x` `[N, d]` given the predicted noise `eps` at ᾱᵢ, into `x0`, clipped when `clip` is set.
    func estimateClean(_ x: Tensor, predictedNoise eps: Tensor, alphaBar ab: Float, into x0: Tensor) {
        switch clean {
        case .divided:
            let sqrtAb = ab.squareRoot(), sqrtOneMinus = (1 - ab).squareRoot()
            Kernels.scaledDifference(x, minus: sqrtOneMinus, times: eps, over: sqrtAb, into: x0)
        case .reciprocal:
            let recip = (1 / ab).squareRoot(), recipMinusOne = (1 / ab - 1).squareRoot()
            // recip·x + (−r)·ε is recip·x − r·ε exactly.
            Kernels.linearCombination(recip, x, -recipMinusOne, eps, into: x0)
        }
        if let c = clip { Kernels.clamp(x0, bound: c, into: x0) }
    }

    /// The step from ᾱᵢ = `ab` to ᾱᵢ₋₁ = `abPrev`, in place on `x`; `scratch` and `noise` are work
    /// tensors of x's shape. The noise is drawn from `rng` only when `addNoise` (not at the last
    /// step, where the reference returns the posterior mean).
    func apply(_ x: Tensor, predictedNoise eps: Tensor, alphaBar ab: Float, previous abPrev: Float, addNoise: Bool,
               scratch x0: Tensor, noise z: Tensor, rng: inout RandomStream) {
        estimateClean(x, predictedNoise: eps, alphaBar: ab, into: x0)
        let beta = 1 - ab / abPrev
        let sqrtAlpha = switch retention {
        case .oneMinusBeta: (1 - beta).squareRoot()
        case .ratio: (ab / abPrev).squareRoot()
        }
        let c0 = abPrev.squareRoot() * beta / (1 - ab), ct = sqrtAlpha * (1 - abPrev) / (1 - ab)
        Kernels.linearCombination(c0, x0, ct, x, into: x)
        guard addNoise else { return }
        var sigma: Float
        switch noiseScale {
        case .posterior(let floor):
            let variance = beta * (1 - abPrev) / (1 - ab)
            sigma = (floor.map { max(variance, $0) } ?? variance).squareRoot()
        case .beta:
            sigma = beta.squareRoot()
        }
        if let m = noiseMultiplier { sigma = sigma * m }
        rng.fillNormal(z)
        Kernels.axpy(sigma, z, x)
    }
}

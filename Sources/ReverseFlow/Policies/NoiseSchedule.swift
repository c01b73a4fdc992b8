import Foundation

/// The noise schedule of a diffusion `x_i = √ᾱᵢ·x_data + √(1 − ᾱᵢ)·ε`, discretised into N steps.
public enum NoiseSchedule: Sendable, Equatable {
    /// Variance preserving with a linear continuous β(u) from `betaMin` to `betaMax`
    /// (Song et al., 2021): `ᾱ(u) = exp(−½u²(β_max − β_min) − u·β_min)`.
    case vp(betaMin: Double = 0.1, betaMax: Double = 20)
    /// Cosine (Nichol & Dhariwal, 2021): `ᾱ(u) = cos²((u + s)/(1 + s)·π/2) / cos²(s/(1 + s)·π/2)`.
    case cosine(offset: Double = 0.008)

    public var name: String {
        switch self {
        case .vp: "vp"
        case .cosine: "cosine"
        }
    }

    /// The continuous `ᾱ(u)`, `u ∈ [0, 1]`.
    public func alphaBar(_ u: Double) -> Double {
        switch self {
        case .vp(let lo, let hi):
            return Foundation.exp(-0.5 * u * u * (hi - lo) - u * lo)
        case .cosine(let s):
            let f = { (x: Double) in Foundation.cos((x + s) / (1 + s) * Double.pi / 2) }
            return f(u) * f(u) / (f(0) * f(0))
        }
    }

    /// `ᾱ₀ = 1, ᾱ₁, …, ᾱ_N` at `uᵢ = i/N`, through per-step `βᵢ = 1 − ᾱ(uᵢ)/ᾱ(uᵢ₋₁)` clipped to
    /// 0.999 (so the last step of the cosine schedule keeps a little signal), in Float64.
    public func discrete(steps: Int) -> [Double] {
        precondition(steps >= 1, "NoiseSchedule.discrete: need at least one step")
        var out = [1.0]
        for i in 1...steps {
            let beta = min(1 - alphaBar(Double(i) / Double(steps)) / alphaBar(Double(i - 1) / Double(steps)), 0.999)
            out.append(out[i - 1] * (1 - beta))
        }
        return out
    }
}

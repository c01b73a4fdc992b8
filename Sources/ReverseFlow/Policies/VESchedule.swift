import Foundation

/// The variance-exploding (geometric) noise schedule of DQS and iDEM: `x_t = x₀ + √h(t)·ε` on
/// `t ∈ [0, 1]`, driven by the SDE `dx = g(t) dW`, with `r = σ_max/σ_min`:
///
///     h(t) = σ_min²·(r^{2t} − 1)               variance added by time t (h(0) = 0, h(1) ≈ σ_max²)
///     g(t) = σ_min·r^t·√(2 ln r)               diffusion coefficient, g² = dh/dt
///
/// The reference (`src/components/noise_schedule.py`, `noise_h` and `noise_g`) evaluates both in
/// Float32; here they are evaluated in Float64 and rounded once.
public struct VESchedule: Sendable, Equatable {
    public var sigmaMin: Double
    public var sigmaMax: Double

    public init(sigmaMin: Double, sigmaMax: Double) {
        precondition(sigmaMin > 0 && sigmaMax > sigmaMin, "VESchedule: need 0 < σ_min < σ_max, got \(sigmaMin), \(sigmaMax)")
        self.sigmaMin = sigmaMin
        self.sigmaMax = sigmaMax
    }

    /// `r = σ_max/σ_min`.
    public var ratio: Double { sigmaMax / sigmaMin }

    /// `h(t) = σ_min²(r^{2t} − 1)`; `expm1` keeps it accurate for small t, where `r^{2t} ≈ 1`.
    public func variance(_ t: Double) -> Double {
        sigmaMin * sigmaMin * Foundation.expm1(2 * t * Foundation.log(ratio))
    }

    /// `g(t) = σ_min·r^t·√(2 ln r)`.
    public func diffusion(_ t: Double) -> Double {
        sigmaMin * Foundation.pow(ratio, t) * (2 * Foundation.log(ratio)).squareRoot()
    }
}

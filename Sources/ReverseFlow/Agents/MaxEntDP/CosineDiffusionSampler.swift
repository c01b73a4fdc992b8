import Foundation
import TensorCore

/// MaxEntDP's diffusion in action space (the reference's `maxentdp.py`): a continuous-time cosine
/// schedule `ᾱ(t)` on `t ∈ [t_min, t_max]`, a noise-prediction ``PolicyNetwork`` conditioned on
/// the log-SNR `log(ᾱ/(1 − ᾱ))` (ᾱ clipped to `[10⁻⁵, 1 − 10⁻⁵]`) and on λ, and ancestral
/// sampling with the clean-sample prediction clipped to `[−1, 1]`.
///
/// A grid of N steps takes `t_k = t_min + k·(t_max − t_min)/N`, `k = 0 … N`, and
/// `ᾱ_prev[k] = ᾱ(t_k)`, `ᾱ[k] = ᾱ(t_{k+1})`, `α_k = ᾱ[k]/ᾱ_prev[k]`, `β_k = 1 − α_k`. One
/// reverse step from grid index k (k = N − 1 down to 0):
///
///     x̂₀ = clip((x − √(1 − ᾱ[k])·ε_θ)/√ᾱ[k], −1, 1)
///     x ← √ᾱ_prev[k]·β_k/(1 − ᾱ[k])·x̂₀ + √α_k·(1 − ᾱ_prev[k])/(1 − ᾱ[k])·x + [k > 0]·√β_k·z
///
/// (the noise scale is √β_k, not the posterior variance), and the final sample is clipped to `[−1, 1]`.
public struct CosineDiffusionGrid: Sendable {
    /// `ᾱ_prev[k]`, `k = 0 … N − 1`, and `ᾱ[k]`.
    public let alphaBarPrevious: [Float]
    public let alphaBar: [Float]
    public var steps: Int { alphaBar.count }

    public init(steps: Int, tMin: Double, tMax: Double, schedule: NoiseSchedule = .cosine()) {
        precondition(steps >= 1 && tMax > tMin, "CosineDiffusionGrid: \(steps) steps on [\(tMin), \(tMax)]")
        let grid = (0...steps).map { Float(schedule.alphaBar(tMin + (tMax - tMin) * Double($0) / Double(steps))) }
        alphaBarPrevious = Array(grid[0..<steps])
        alphaBar = Array(grid[1...steps])
    }

    /// The reference's default end of the time range (`_cosine_t_max`): the t at which the cosine
    /// schedule's continuous β reaches `betaMax`, `2(1 + s)/π·atan(betaMax(1 + s)/π) − s`.
    public static func defaultTMax(offset s: Double = 0.008, betaMax: Double) -> Double {
        Foundation.atan(betaMax * (1 + s) / Double.pi) * 2 * (1 + s) / Double.pi - s
    }

    /// The network's time input: `log ᾱ − log(1 − ᾱ)` with ᾱ clipped to `[10⁻⁵, 1 − 10⁻⁵]`.
    public static func logSNR(_ alphaBar: Float) -> Float {
        let a = min(max(alphaBar, 1e-5), 1 - 1e-5)
        return Foundation.log(a) - Foundation.log1p(-a)
    }
}

/// Draws actions from MaxEntDP's policy by the reverse steps of ``CosineDiffusionGrid``.
public final class CosineDiffusionSampler {
    public let network: PolicyNetwork
    public let grid: CosineDiffusionGrid
    private let rollout = PolicyNetwork.Rollout()
    private let workspace = Workspace()

    public init(network: PolicyNetwork, grid: CosineDiffusionGrid) {
        self.network = network
        self.grid = grid
    }

    /// `particles` actions in `[−1, 1]^d` for each of the states `[G, S]`: `[G·particles, d]`, each
    /// state's consecutive. The result belongs to the sampler until its next call.
    public func sample(states: Tensor, particles: Int, temperature: Float, rng: inout RandomStream) -> Tensor {
        let n = states.rows * particles, d = network.actionDim
        workspace.reset()
        let x = workspace.matrix(n, d), x0 = workspace.matrix(n, d), z = workspace.matrix(n, d)
        rng.fillNormal(x)
        network.prepare(rollout, states: states, temperature: temperature)
        // The reference's step: x̂₀ clipped to [−1, 1], √αᵢ as √(ᾱᵢ/ᾱᵢ₋₁), σᵢ = √βᵢ.
        let step = DDPMStep(clean: .divided, clip: 1, retention: .ratio, noiseScale: .beta)
        for k in stride(from: grid.steps - 1, through: 0, by: -1) {
            let ab = grid.alphaBar[k]
            let eps = network.evaluate(rollout, latents: x, time: CosineDiffusionGrid.logSNR(ab))
            step.apply(x, predictedNoise: eps, alphaBar: ab, previous: grid.alphaBarPrevious[k], addNoise: k > 0,
                       scratch: x0, noise: z, rng: &rng)
        }
        Kernels.clamp(x, bound: 1, into: x)
        return x
    }
}

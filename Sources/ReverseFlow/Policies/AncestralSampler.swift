import TensorCore

/// The DDPM ancestral sampler of the reference's QSM agent (`qsm.py`, `_make_sample_actions_jit`):
/// a noise-prediction network `ε_θ(k, x, s, τ)` whose time input is the step index k itself
/// (0 … N−1, not k/N), with the sample clipped to `[−c, c]` after every step.
///
/// With the schedule's `βₖ`, `αₖ = 1 − βₖ`, `ᾱₖ = α₀⋯αₖ` (k = 0 … N−1, the reference's arrays):
///
///     x ~ N(0, I)
///     for k = N−1 … 0:
///         x ← (x − βₖ/√(1 − ᾱₖ) · ε_θ(k, x, s, τ)) / √αₖ  +  [k > 0] · √βₖ · τ · z,   z ~ N(0, I)
///         x ← clip(x, −c, c)
///
/// τ (the "DDPM temperature") scales the injected noise and is the network's temperature input.
/// The variance is `βₖ`, not the posterior variance of ``DiffusionPolicy``'s DDPM step, and no
/// clean-sample prediction is formed: this is the reference's sampler, not the textbook one.
final class AncestralSampler {
    let network: PolicyNetwork
    let steps: Int
    /// Clip of each step's sample (nil: none).
    let clip: Float?
    /// `βₖ`, `αₖ`, `ᾱₖ` for k = 0 ..< N.
    let betas: [Float], alphas: [Float], alphaBars: [Float]
    private let rollout = PolicyNetwork.Rollout()
    private let workspace = Workspace()

    init(network: PolicyNetwork, schedule: NoiseSchedule, steps: Int, clip: Float?) {
        self.network = network
        self.steps = steps
        self.clip = clip
        // NoiseSchedule.discrete gives ᾱ at i = 0 … N with ᾱ₀ = 1; the reference's index k is i − 1.
        let ab = schedule.discrete(steps: steps)
        betas = (1...steps).map { Float(1 - ab[$0] / ab[$0 - 1]) }
        alphas = betas.map { 1 - $0 }
        alphaBars = (1...steps).map { Float(ab[$0]) }
    }

    /// One sample per row of `states` `[B, S]`: `[B, d]`, owned by the sampler until its next call.
    func sample(states: Tensor, temperature tau: Float, noise: inout NoiseSource) -> Tensor {
        let b = states.rows, d = network.actionDim
        workspace.reset()
        let x = workspace.matrix(b, d), z = workspace.matrix(b, d)
        noise.fill(x)
        network.prepare(rollout, states: states, temperature: tau)
        for k in stride(from: steps - 1, through: 0, by: -1) {
            let eps = network.evaluate(rollout, latents: x, time: Float(k))
            let c1 = 1 / alphas[k].squareRoot(), c2 = (1 - alphas[k]) / (1 - alphaBars[k]).squareRoot()
            Kernels.scaledDifference(x, minus: c2, times: eps, scaledBy: c1, into: x)
            if k > 0 {
                noise.fill(z)
                Kernels.axpy(betas[k].squareRoot() * tau, z, x)
            }
            if let c = clip { Kernels.clamp(x, bound: c, into: x) }
        }
        return x
    }
}

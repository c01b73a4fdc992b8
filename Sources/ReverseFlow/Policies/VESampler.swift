import TensorCore

/// The Euler–Maruyama sampler of the reference's DQS agent (`sde_integration.py`,
/// `integrate_sde`) for a score network `s_θ(t, x, s, λ) ≈ ∇ₓ log p_t(x | s)` under a
/// ``VESchedule``, run from t = 1 to t = 0 in N steps of `Δt = 1/N`:
///
///     x ~ N(0, h(1)·I)
///     for n = 0 … N−1,  t = 1 − n/N:
///         x ← x + g(t)²·s_θ(t, x, s, λ)·Δt + η·g(t)·√Δt·z,   z ~ N(0, I)
///
/// η is the diffusion scale (1 when acting, 0 for the evaluation rule, which leaves a
/// deterministic map from the initial noise). As in the reference the drift is the full `g²·s`
/// (the reverse SDE's), not the probability-flow ODE's `½g²·s`, even when η = 0.
final class VESampler {
    let network: PolicyNetwork
    let schedule: VESchedule
    let steps: Int
    private let rollout = PolicyNetwork.Rollout()
    private let workspace = Workspace()

    init(network: PolicyNetwork, schedule: VESchedule, steps: Int) {
        self.network = network
        self.schedule = schedule
        self.steps = steps
    }

    /// One latent sample per row of `states` `[B, S]`: `[B, d]`, owned by the sampler until its
    /// next call (actions are `tanh` of it).
    func sample(states: Tensor, temperature lambda: Float, diffusionScale eta: Float, noise: inout NoiseSource) -> Tensor {
        let b = states.rows, d = network.actionDim
        workspace.reset()
        let x = workspace.matrix(b, d), z = workspace.matrix(b, d)
        noise.fill(x)
        Kernels.scale(x, by: Float(schedule.variance(1).squareRoot()), into: x)
        network.prepare(rollout, states: states, temperature: lambda)
        let dt = 1 / Double(steps)
        for n in 0..<steps {
            let t = 1 - Double(n) * dt
            let g = schedule.diffusion(t)
            let score = network.evaluate(rollout, latents: x, time: Float(t))
            Kernels.axpy(Float(g * g * dt), score, x)
            if eta != 0 {
                noise.fill(z)
                Kernels.axpy(eta * Float(g * dt.squareRoot()), z, x)
            }
        }
        return x
    }
}

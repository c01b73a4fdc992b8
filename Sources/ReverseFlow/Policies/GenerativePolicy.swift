import TensorCore

/// Points on a policy's noising path where the network is trained: `y_t = α·y₁ + β·y₀`.
public struct PathPoints {
    /// `y_t` `[B, d]`.
    public let latents: Tensor
    /// The time input the network sees for each row `[B]`.
    public let times: Tensor
    /// Path coefficients per row `[B]`.
    public let alpha: Tensor
    public let beta: Tensor
}

/// A policy that generates latent actions by integrating a learned field from Gaussian noise: a
/// flow (velocity) or a diffusion (noise prediction). Both train by regression onto targets from
/// the reverse-inference estimator, so the learner (``PolicyLearner``) is shared.
public protocol GenerativePolicy: AnyObject {
    /// The conditional network.
    var network: PolicyNetwork { get }
    /// Whether actions are `tanh` of the latents (RL) or the latents themselves.
    var squash: Bool { get }

    /// Draws `particles` latents for each of the `count` conditions (rows of `states`, or none):
    /// `[count·particles, d]`, each condition's particles consecutive. The result belongs to the
    /// policy and lives until its next sampling call.
    func sampleLatents(states: Tensor?, count: Int, particles: Int, temperature: Float, rng: inout RandomStream) -> Tensor

    /// Carries given initial noise `x` `[count·particles, d]` to latents, in place (evaluation
    /// starts from noise seeded by the state). A stochastic sampler draws its step noise from `rng`.
    func generate(_ x: Tensor, states: Tensor?, temperature: Float, rng: inout RandomStream)

    /// Draws training points on the path through the endpoints `y₁` `[B, d]`.
    func trainingPoints(endpoints: Tensor, rng: inout RandomStream) -> PathPoints

    /// The network's regression target from posterior endpoint estimates `[B, d]` each,
    /// written into `out`.
    func regressionTarget(y1: Tensor, y0: Tensor, into out: Tensor)
}

extension GenerativePolicy {
    /// Actions from latents: `tanh` when squashing, else a copy.
    public func actions(fromLatents y: Tensor, into a: Tensor) {
        if squash { Kernels.tanh(y, into: a) } else { a.assign(y) }
    }
}

/// The coefficient `c` of the Stein control variate in `ŷ₁ = E_w[y₁] + c ⊙ E_w[σ]`
/// (method.md §4). The two classical families are special coefficients of the same estimator.
public enum ControlVariate: Sendable, Equatable {
    /// `c = 0`: the self-normalised average of the implied endpoints (noise-expectation; QNE,
    /// MaxEntDP, SDAC-style).
    case noise
    /// `c = (β/α)²` (`((1 − t)/t)²` on the flow path): the Q-weighted average of Q-gradients
    /// (gradient-expectation; iDEM, DQS-style), i.e. `η = 1` in the noise-side form.
    case gradient
    /// The same `c` for every dimension.
    case fixed(Float)
    /// Per dimension, refitted for every `(s, y_t, t)` to minimise the estimator's variance:
    /// `c_j = −Σₖ wₖ²(y₁ₖⱼ − ȳⱼ)(σₖⱼ − σ̄ⱼ) / (Σₖ wₖ²(σₖⱼ − σ̄ⱼ)² + ridge)`, clipped to `[−clip, clip]`.
    case optimal(ridge: Float, clip: Float)

    /// The paper preset: ridge 1e-4, clip 2.
    public static let paper = ControlVariate.optimal(ridge: 1e-4, clip: 2)

    /// The name used in configs and on the command line.
    public var name: String {
        switch self {
        case .noise: "noise"
        case .gradient: "gradient"
        case .fixed: "fixed"
        case .optimal: "optimal"
        }
    }
}

import TensorCore

/// The pointwise nonlinearities the networks use.
public enum Activation: String, Sendable, CaseIterable {
    /// The identity (an output layer).
    case identity
    /// `max(x, 0)` (the critic).
    case relu
    /// GELU, tanh approximation (the velocity network; JAX's default form).
    case gelu
    /// `x·tanh(softplus(x))` (QVPO's networks).
    case mish

    /// The form ``Kernels/biasActivation(_:bias:activation:residual:into:)`` takes: `.some(nil)` for the
    /// identity (nil would mean that kernel has no such activation).
    public var pointwise: DeviceKernel.Unary?? {
        switch self {
        case .identity: .some(nil)
        case .relu: .relu
        case .gelu: .gelu
        case .mish: .mish
        }
    }

    /// `y ← f(x)` (in place is fine).
    public func apply(_ x: Tensor, into y: Tensor) {
        switch self {
        case .identity: if x !== y { y.assign(x) }
        case .relu: Kernels.relu(x, into: y)
        case .gelu: Kernels.gelu(x, into: y)
        case .mish: Kernels.mish(x, into: y)
        }
    }

    /// `dx ← dy ⊙ f'(x)`, with `x` the pre-activation (in place on `dy` is fine).
    public func backward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        switch self {
        case .identity: if dy !== dx { dx.assign(dy) }
        case .relu: Kernels.reluBackward(dy, input: x, into: dx)
        case .gelu: Kernels.geluBackward(dy, input: x, into: dx)
        case .mish: Kernels.mishBackward(dy, input: x, into: dx)
        }
    }
}

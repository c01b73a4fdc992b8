import Foundation
import TensorCore

/// Adam (Kingma & Ba, 2015) with bias correction, exactly as optax's `adam` computes it:
///
///     m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
///     m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// No weight decay. The moments mirror the parameters one for one and carry their names
/// (``firstMoment`` / ``secondMoment``), so they checkpoint as `…​.m.<name>` and `…​.v.<name>`.
public final class Adam {
    /// The hyperparameters.
    public struct Settings: Sendable, Equatable {
        public var learningRate: Float
        public var beta1: Float
        public var beta2: Float
        public var epsilon: Float

        public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
        }
    }

    public var settings: Settings
    /// The parameters being optimised.
    public let parameters: ParameterList
    /// First moments, aligned with ``parameters``.
    public let firstMoment: ParameterList
    /// Second moments, aligned with ``parameters``.
    public let secondMoment: ParameterList
    /// Steps taken (the `t` of the bias correction).
    public var stepCount: Int = 0

    public init(parameters: ParameterList, settings: Settings) {
        self.parameters = parameters
        self.settings = settings
        firstMoment = ParameterList(names: parameters.names, tensors: parameters.tensors.map { $0.zerosLike() })
        secondMoment = ParameterList(names: parameters.names, tensors: parameters.tensors.map { $0.zerosLike() })
    }

    public convenience init(for model: some ParameterContainer, settings: Settings) {
        self.init(parameters: ParameterList(model), settings: settings)
    }

    /// Applies one step with `gradients`, aligned with ``parameters``.
    public func step(_ gradients: ParameterList) {
        precondition(gradients.count == parameters.count, "Adam.step: \(gradients.count) gradients for \(parameters.count) parameters")
        stepCount += 1
        let s = settings
        let t = Float(stepCount)
        // optax forms the corrections as 1 − βᵗ in Float32.
        let c1 = 1 - Foundation.pow(s.beta1, t)
        let c2 = 1 - Foundation.pow(s.beta2, t)
        for i in 0..<parameters.count {
            let g = gradients.tensors[i]
            precondition(g.count == parameters.tensors[i].count, "Adam.step: gradient \(parameters.names[i]) has \(g.count) elements")
            Kernels.adamStep(parameter: parameters.tensors[i], firstMoment: firstMoment.tensors[i],
                             secondMoment: secondMoment.tensors[i], gradient: g, learningRate: s.learningRate,
                             beta1: s.beta1, beta2: s.beta2, correction1: c1, correction2: c2, epsilon: s.epsilon)
        }
    }
}

/// The global L2 norm of a list of tensors, `√(Σ‖g‖²)`.
public func globalNorm(_ gradients: ParameterList) -> Float {
    Float(Kernels.sumOfSquares(gradients.tensors).squareRoot())
}

/// Global gradient-norm clipping as the reference does it: if `‖g‖ ≥ maxNorm`, every tensor is
/// scaled by `maxNorm / ‖g‖`; otherwise nothing changes. Returns the norm before clipping.
@discardableResult
public func clipGlobalNorm(_ gradients: ParameterList, maxNorm: Float) -> Float {
    let norm = globalNorm(gradients)
    if norm >= maxNorm, norm > 0 {
        let scale = maxNorm / norm
        for g in gradients.tensors { Kernels.scale(g, by: scale, into: g) }
    }
    return norm
}

/// Polyak averaging of a target network: `θ̄ ← τ·θ + (1 − τ)·θ̄`, lists aligned index by index.
public func polyakUpdate(target: ParameterList, online: ParameterList, tau: Float) {
    precondition(target.count == online.count, "polyakUpdate: \(target.count) vs \(online.count) tensors")
    for (t, o) in zip(target.tensors, online.tensors) { Kernels.blend(t, 1 - tau, o, tau) }
}

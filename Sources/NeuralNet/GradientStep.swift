import TensorCore

extension Adam {
    /// The step every learner in the project takes, in the shape of optax's
    /// `chain(clip_by_global_norm(maxNorm), adam(lr))` (mlx's `optimizer.update(model, grads)`):
    /// the gradients are clipped in place to global norm `maxNorm` when it is set (nil: no clip),
    /// then applied. Returns the global norm before clipping, the figure the learners log.
    @discardableResult
    public func step(_ gradients: ParameterList, clippingGlobalNormTo maxNorm: Float?) -> Float {
        let norm = maxNorm.map { clipGlobalNorm(gradients, maxNorm: $0) } ?? globalNorm(gradients)
        step(gradients)
        return norm
    }
}

/// The mean squared error of a regression and its gradient with respect to the prediction:
///
///     L = mean((p − t)²)        ∂L/∂p = 2·(p − t) / n,   n = the number of elements
///
/// `gradient` (same shape as `prediction`) receives ∂L/∂p; returns L.
@discardableResult
public func meanSquaredErrorGradient(prediction: Tensor, target: Tensor, into gradient: Tensor) -> Double {
    let loss = Kernels.meanSquaredError(prediction, target)
    Kernels.subtract(prediction, target, into: gradient)
    Kernels.scale(gradient, by: 2 / Float(prediction.count), into: gradient)
    return loss
}

import NeuralNet
import TensorCore

/// An actor network with what training it takes: gradients of the network's shape, which its
/// backward pass writes, and Adam over its parameters, stepped with an optional global-norm clip:
///
///     g ← ∇_θ L                       (``gradients``)
///     g ← g·c/‖g‖₂  when ‖g‖₂ ≥ c      (c = ``maxGradNorm``; nil: no clip)
///     θ ← Adam(θ, g)
///
/// Every agent's actor goes through one of these, so the step (and the norm it logs) is the same
/// for all of them.
public final class ActorOptimizer<Network: ParameterContainer> {
    /// The network trained.
    public let network: Network
    /// `∂L/∂θ` of the last backward pass, in the network's shape.
    public let gradients: Network
    /// The optimiser; its moments and step count are part of an agent's checkpoint.
    public let adam: Adam
    /// The global gradient-norm clip; nil: none.
    public let maxGradNorm: Float?
    let gradientList: ParameterList

    public init(_ network: Network, learningRate: Float, maxGradNorm: Float?) {
        self.network = network
        self.maxGradNorm = maxGradNorm
        gradients = network.zerosLike()
        gradientList = ParameterList(gradients)
        adam = Adam(for: network, settings: .init(learningRate: learningRate))
    }

    /// The optimiser of the `actor:` section's rate and an agent's clip (``NetworkSettings``).
    public convenience init(_ network: Network, settings: NetworkSettings) {
        self.init(network, learningRate: settings.actorLearningRate, maxGradNorm: settings.actorMaxGradNorm)
    }

    /// One clipped Adam step on ``gradients``; returns their global norm before clipping.
    @discardableResult
    public func step() -> Float {
        adam.step(gradientList, clippingGlobalNormTo: maxGradNorm)
    }
}

extension ActorOptimizer where Network == PolicyNetwork {
    /// One regression step of the policy network onto `target` `[B, d]`:
    ///
    ///     L = mean_{b,j} (net(x, t, s, λ) − target)²,   ∂L/∂net = 2·(net − target)/(B·d)
    ///
    /// at latents `x` `[B, d]`, times `t` `[B]`, states `s` `[B, S]` (or none) and temperature λ;
    /// backward through `cache`, then ``step()``. Returns L and the gradient's norm before clipping.
    public func regress(states: Tensor?, latents: Tensor, times: Tensor, temperature: Float, onto target: Tensor,
                        cache: PolicyNetwork.Cache, workspace: Workspace) -> (loss: Double, gradientNorm: Float) {
        let prediction = network.forward(states: states, latents: latents, times: times, temperature: temperature, cache: cache)
        let dOut = workspace.matrix(prediction.rows, prediction.cols)
        let loss = meanSquaredErrorGradient(prediction: prediction, target: target, into: dOut)
        network.backward(dOut, cache: cache, gradients: gradients)
        return (loss, step())
    }
}

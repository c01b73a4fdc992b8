import NeuralNet

/// The `critic:` and `actor:` sections, which every agent shares: the twin critic's sizes and
/// rates, and the actor network's width, depth, embedding and learning rate. An agent's settings
/// decode these first, then their own section (which may give the critic or the actor its own
/// gradient clip).
public struct NetworkSettings: Decodable, Sendable, Equatable {
    /// The critic with `critic.max_grad_norm` (RFM's; the baselines have their own clip).
    public var critic: TwinCritic.Settings
    public var actorWidth: Int
    public var actorBlocks: Int
    public var embeddingSize: Int
    public var actorLearningRate: Float
    /// `actor.max_grad_norm` (RFM's; the baselines have their own clip).
    public var actorMaxGradNorm: Float?

    public init(from decoder: Decoder) throws {
        let critic = try decoder.section("critic"), actor = try decoder.section("actor")
        self.critic = TwinCritic.Settings(hidden: [Int](repeating: try critic["hidden"], count: try critic["layers"]),
                                          learningRate: try critic["lr"], maxGradNorm: try critic["max_grad_norm"],
                                          discount: try critic["discount"], tau: try critic["tau"])
        actorWidth = try actor["hidden"]
        actorBlocks = try actor["blocks"]
        embeddingSize = try actor["embedding"]
        actorLearningRate = try actor["lr"]
        actorMaxGradNorm = try actor["max_grad_norm"]
    }

    /// The shared critic with an agent's own gradient clip (nil: none) and activation.
    public func critic(maxGradNorm: Float?, activation: Activation = .relu) -> TwinCritic.Settings {
        var settings = critic
        settings.maxGradNorm = maxGradNorm
        settings.activation = activation
        return settings
    }
}

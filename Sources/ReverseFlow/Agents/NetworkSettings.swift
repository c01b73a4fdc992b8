import NeuralNet
import TensorCore

/// The `critic:` and `actor:` sections, which every agent shares: the twin critic's sizes and
/// rates, and the actor network's width, depth, embedding and learning rate. An agent's settings
/// hold these (``init(from:)`` for RFM's clips, ``init(from:clipsOf:criticActivation:)`` for a
/// baseline's own) beside their own section's values.
public struct NetworkSettings: Decodable, Sendable, Equatable {
    /// The critic, with `critic.max_grad_norm` (RFM's) or a baseline's own clip.
    public var critic: TwinCritic.Settings
    public var actorWidth: Int
    /// Residual blocks of the policy network (QVPO: the layers of its network).
    public var actorBlocks: Int
    public var embeddingSize: Int
    public var actorLearningRate: Float
    /// `actor.max_grad_norm` (RFM's) or a baseline's own clip; nil: none.
    public var actorMaxGradNorm: Float?

    public init(critic: TwinCritic.Settings, actorWidth: Int, actorBlocks: Int, embeddingSize: Int, actorLearningRate: Float,
                actorMaxGradNorm: Float?) {
        self.critic = critic; self.actorWidth = actorWidth; self.actorBlocks = actorBlocks
        self.embeddingSize = embeddingSize; self.actorLearningRate = actorLearningRate; self.actorMaxGradNorm = actorMaxGradNorm
    }

    /// The sections as they stand, with RFM's clips `critic.max_grad_norm` and `actor.max_grad_norm`.
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

    /// The sections with a baseline's own clips, `<section>.critic_max_grad_norm` and
    /// `<section>.actor_max_grad_norm` (null: none), and its critic's activation.
    public init(from decoder: Decoder, clipsOf section: String, criticActivation: Activation = .relu) throws {
        try self.init(from: decoder)
        let own = try decoder.section(section)
        critic = self.critic(maxGradNorm: try own["critic_max_grad_norm"], activation: criticActivation)
        actorMaxGradNorm = try own["actor_max_grad_norm"]
    }

    /// The schema keys of a baseline's own clips, which ``init(from:clipsOf:criticActivation:)``
    /// reads: `<section>.actor_max_grad_norm` and `<section>.critic_max_grad_norm`, each a
    /// positive number or null, with `label` (the agent's name) leading their help.
    public static func clipKeys(of section: String, label: String) -> [ConfigSchema.Key] {
        ["actor", "critic"].map { network in
            .init(name: "\(section).\(network)_max_grad_norm", kind: .optionalNumber(1e-8...1e12),
                  help: "\(label) \(network) gradient clip (null: none)")
        }
    }

    /// The shared critic with an agent's own gradient clip (nil: none) and activation.
    public func critic(maxGradNorm: Float?, activation: Activation = .relu) -> TwinCritic.Settings {
        var settings = critic
        settings.maxGradNorm = maxGradNorm
        settings.activation = activation
        return settings
    }
}

extension PolicyNetwork {
    /// A fresh policy network of the `actor:` section's width, residual blocks and embedding.
    public convenience init(stateDim: Int, actionDim: Int, settings: NetworkSettings, rng: inout RandomStream) {
        self.init(stateDim: stateDim, actionDim: actionDim, width: settings.actorWidth, blocks: settings.actorBlocks,
                  embeddingSize: settings.embeddingSize, rng: &rng)
    }
}

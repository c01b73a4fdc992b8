/// The configuration keys, their types and their valid ranges. Values live only in the preset
/// files (`Presets/*.yaml`); this table holds none, so no constant hides in code. An agent's
/// section is declared in its own folder (its ``AgentEntry``'s keys).
public enum ConfigSchema {
    /// The type and the admissible values of one key.
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        /// A number in range, or null (disabled).
        case optionalNumber(ClosedRange<Double>)
        case choice([String])
        case text
        /// `true` or `false`.
        case boolean
        /// `true`, `false`, or null (the default of whatever reads it).
        case optionalBool
        /// A JSON object of free-form keys (kept as its canonical JSON text). Given as JSON text,
        /// as a YAML mapping, or key by key as `NAME.KEY` (`--set gym.kwargs.ctrl_cost_weight=0.1`).
        case jsonObject
    }

    public struct Key: Sendable {
        public let name: String
        public let kind: Kind
        public let help: String
    }

    static let positive = 1...Int.max
    static let nonNegative = 0...Int.max

    /// Every key, in the order `config.yaml` writes them: the run's, the trainer's, the shared
    /// networks', each agent's section (declared by the agent, ``AgentRegistry``), the Gymnasium
    /// options.
    public static let keys: [Key] = commonKeys + AgentRegistry.sectionKeys + gymKeys

    static let commonKeys: [Key] = [
        Key(name: "seed", kind: .integer(nonNegative), help: "random seed of the run"),
        Key(name: "agent", kind: .choice(AgentRegistry.names), help: "the learning agent"),
        Key(name: "env", kind: .text, help: "environment name (rfm env list)"),
        Key(name: "trainer.steps", kind: .integer(positive), help: "environment steps of the run"),
        Key(name: "trainer.warmup", kind: .integer(nonNegative), help: "uniform random actions before the first update"),
        Key(name: "trainer.replay_size", kind: .integer(positive), help: "replay buffer capacity"),
        Key(name: "trainer.batch_size", kind: .integer(positive), help: "transitions per update"),
        Key(name: "trainer.updates_per_step", kind: .integer(positive), help: "updates per environment step after warm-up"),
        Key(name: "trainer.eval_interval", kind: .integer(positive), help: "environment steps between evaluations"),
        Key(name: "trainer.eval_episodes", kind: .integer(positive), help: "episodes per evaluation"),
        Key(name: "trainer.log_interval", kind: .integer(positive), help: "environment steps between training-metric rows"),
        Key(name: "trainer.checkpoint_interval", kind: .integer(positive), help: "environment steps between checkpoints"),
        Key(name: "trainer.tensorboard", kind: .boolean, help: "also write TensorBoard event files (RUN/tb/) of the metric rows"),
        Key(name: "trainer.video_interval", kind: .integer(nonNegative), help: "environment steps between video.gif clips of the policy, taken at evaluations (0: none)"),
        Key(name: "critic.hidden", kind: .integer(positive), help: "critic layer width"),
        Key(name: "critic.layers", kind: .integer(positive), help: "critic hidden layers"),
        Key(name: "critic.lr", kind: .number(1e-8...1), help: "critic Adam learning rate"),
        Key(name: "critic.max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "critic gradient-norm clip (null: none)"),
        Key(name: "critic.discount", kind: .number(0...1), help: "discount γ"),
        Key(name: "critic.tau", kind: .number(0...1), help: "Polyak rate of the target critics"),
        Key(name: "actor.hidden", kind: .integer(positive), help: "actor network width"),
        Key(name: "actor.blocks", kind: .integer(nonNegative), help: "residual GELU blocks of the actor"),
        Key(name: "actor.embedding", kind: .integer(4...4096), help: "sinusoidal embedding width (even)"),
        Key(name: "actor.lr", kind: .number(1e-8...1), help: "actor Adam learning rate"),
        Key(name: "actor.max_grad_norm", kind: .optionalNumber(1e-8...1e12), help: "actor gradient-norm clip (null: none)"),
    ]

    static let gymKeys: [Key] = [
        Key(name: "gym.forward_reward_weight", kind: .optionalNumber(-1e6...1e6),
            help: "Gymnasium v5 tasks: weight of the forward reward (null: the task's v5 default)"),
        Key(name: "gym.ctrl_cost_weight", kind: .optionalNumber(0...1e6),
            help: "Gymnasium v5 tasks: weight of the control cost (Reacher, Pusher: reward_control_weight; null: v5 default)"),
        Key(name: "gym.contact_cost_weight", kind: .optionalNumber(0...1e6),
            help: "Gymnasium v5 tasks: weight of the contact cost (HumanoidStandup: impact_cost_weight; null: v5 default)"),
        Key(name: "gym.healthy_reward", kind: .optionalNumber(-1e6...1e6),
            help: "Gymnasium v5 tasks: reward per healthy step (null: the task's v5 default)"),
        Key(name: "gym.reset_noise_scale", kind: .optionalNumber(0...1e3),
            help: "Gymnasium v5 tasks: scale of the initial-state noise (null: the task's v5 default)"),
        Key(name: "gym.terminate_when_unhealthy", kind: .optionalBool,
            help: "Gymnasium v5 tasks: end the episode when unhealthy (null: the v5 default, true)"),
        Key(name: "gym.python", kind: .text, help: "gym: environments: the Python interpreter that runs the worker"),
        Key(name: "gym.kwargs", kind: .jsonObject, help: "gym: environments: keyword arguments of gymnasium.make, as a JSON object"),
        Key(name: "gym.timeout", kind: .number(0.001...1e6), help: "gym: environments: seconds a reset or step may take before the worker counts as hung"),
    ]

    static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

    /// The ``Kind/jsonObject`` key that `name` sets one entry of (`gym.kwargs` for
    /// `gym.kwargs.ctrl_cost_weight`), or nil.
    static func objectKey(containing name: String) -> Key? {
        keys.first { $0.kind == .jsonObject && name.hasPrefix($0.name + ".") && name.count > $0.name.count + 1 }
    }
}

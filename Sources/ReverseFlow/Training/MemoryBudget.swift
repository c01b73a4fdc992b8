import Foundation

/// The memory a configuration needs, checked against the machine's before a run folder is made
/// or anything large is allocated, so that an impossible size (`trainer.replay_size=1e11`) is one
/// clear line instead of an allocation abort.
///
/// The estimate is a lower bound made of the two parts that grow without limit with the
/// configuration: the replay buffer (`capacity × (2·obs + act + 2)` floats, held up to four times
/// while a checkpoint is written: the buffer, its filled rows on the host, the file's data section
/// and the file's bytes) and the networks (every dense layer's weights, times five: the parameters,
/// their gradients, Adam's two moments and a target copy).
public struct MemoryBudget: Sendable, Equatable {
    public let replayBytes: Double
    public let networkBytes: Double
    public var totalBytes: Double { 4 * replayBytes + networkBytes }

    public init(config: RunConfig, observationSize: Int, actionSize: Int) {
        let floatBytes = 4.0
        let capacity = Double(config.int("trainer.replay_size"))
        replayBytes = capacity * Double(2 * observationSize + actionSize + 2) * floatBytes
        func mlp(_ input: Int, _ width: Int, _ layers: Int, _ output: Int) -> Double {
            let (i, w, o) = (Double(input), Double(width), Double(output))
            return i * w + Double(max(layers - 1, 0)) * w * w + w * o + Double(layers) * w + o
        }
        let critic = 2 * mlp(observationSize + actionSize, config.int("critic.hidden"), config.int("critic.layers"), 1)
        // The actor: an input layer, two dense layers per residual block, an output layer.
        let actor = mlp(observationSize + actionSize + config.int("actor.embedding"), config.int("actor.hidden"),
                        1 + 2 * config.int("actor.blocks"), actionSize)
        networkBytes = 5 * (critic + actor) * floatBytes
    }

    /// The memory this process may use: the machine's physical memory, or the cgroup's limit
    /// when one is set and lower.
    public static func availableBytes() -> Double {
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
            return min(physical, limit)
        }
        return physical
    }

    /// Throws a ``ConfigError`` naming the sizes when the estimate exceeds `available`.
    public func check(available: Double = MemoryBudget.availableBytes()) throws {
        guard totalBytes > available else { return }
        throw ConfigError("the configuration needs at least \(Self.format(totalBytes)) of memory (trainer.replay_size: "
            + "\(Self.format(replayBytes)) for the replay buffer, up to 4× while checkpointing; network widths: "
            + "\(Self.format(networkBytes))), more than this machine's \(Self.format(available)); lower trainer.replay_size or the widths")
    }

    static func format(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }
}

import Foundation
import TensorCore

/// Random-action episodes: what `rfm env check` runs, to check resets, rewards and speed.
public enum RandomRollouts {
    public struct Episode: Codable, Sendable {
        public let seed: UInt64
        public let episodeReturn: Double
        public let length: Int
    }

    public struct Report: Codable, Sendable {
        public let env: String
        public let episodes: [Episode]
        public let steps: Int
        public let seconds: Double
        public var stepsPerSecond: Double { Double(steps) / max(seconds, 1e-9) }
        public var returns: [Double] { episodes.map(\.episodeReturn) }
    }

    /// Runs `count` episodes of `env` (actions in [−1, 1]) with uniform random actions; episode
    /// `i` resets with seed `seed + i` and draws its actions from its own stream, so each episode
    /// is reproducible on its own. Stops an episode at termination or truncation.
    public static func run(_ env: Environment, episodes count: Int, seed: UInt64,
                           progress: ((Episode) -> Void)? = nil) -> Report {
        var episodes: [Episode] = []
        var steps = 0
        var action = [Float](repeating: 0, count: env.actionSize)
        let clock = ContinuousClock.now
        for i in 0 ..< count {
            let episodeSeed = seed &+ UInt64(i)
            var rng = RandomStream(seed: episodeSeed, stream: 0xAC7_1015)
            _ = env.reset(seed: episodeSeed)
            var total = 0.0, length = 0
            while true {
                for k in action.indices { action[k] = 2 * rng.uniform() - 1 }
                let r = env.step(action)
                total += r.reward
                length += 1
                if r.terminated || r.truncated { break }
            }
            steps += length
            let episode = Episode(seed: episodeSeed, episodeReturn: total, length: length)
            episodes.append(episode)
            progress?(episode)
        }
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Report(env: env.name, episodes: episodes, steps: steps, seconds: seconds)
    }
}

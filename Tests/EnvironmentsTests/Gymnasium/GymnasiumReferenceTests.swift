import Foundation
import MuJoCo
import Testing
import TensorCore
import Environments

/// Episodes recorded from Gymnasium 1.2.2 (scripts/reference/gym_reference.py record), replayed
/// from the same `qpos`, `qvel` with the same actions through the same ``TimeLimit``.
///
/// The committed fixtures keep one seed per task and every 100th step (and the last); CI
/// regenerates full episodes (every step, three seeds) and points `RFM_GYM_REFERENCE_DIR` at them.
enum GymnasiumReference {
    struct Episode: Decodable {
        let seed: Int, action_seed: UInt64, action_scale: Double, steps: Int
        let qpos: [Double], qvel: [Double]
        let rows: [Int], observations: [[Double]], rewards: [Double], infos: [[String: Double]]
        let terminated: [Bool], truncated: [Bool]
        let `return`: Double
    }
    struct File: Decodable { let task: String; let mujoco: String; let episodes: [Episode] }

    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["RFM_GYM_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gym")
    }

    static func load(_ task: String) throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: directory.appendingPathComponent("\(task).json")))
    }

    /// The script's action sequence: `s (2u − 1)`, `u` from splitmix64 of (seed, step, index),
    /// mapped onto `[low, high]` in Float64 and rounded to Float32.
    static func action(seed: UInt64, step: Int, scale: Double, low: [Double], high: [Double]) -> [Float] {
        let base = seed &* 0x9E37_79B9_7F4A_7C15
        let n = low.count
        return (0 ..< n).map { i in
            let u = scale * (2 * Double(splitMix64(base &+ UInt64(step * n + i)) >> 11) * 0x1p-53 - 1)
            return Float(low[i] + (u + 1) * 0.5 * (high[i] - low[i]))
        }
    }
}

@Suite("Gymnasium MuJoCo v5 tasks against Gymnasium")
struct GymnasiumReferenceTests {
    @Test("Replayed episodes match Gymnasium within 1e-6 at every recorded step", arguments: Gymnasium.names)
    func replay(task: String) throws {
        let file = try GymnasiumReference.load(task)
        #expect(file.mujoco == Physics.version)
        #expect(!file.episodes.isEmpty)
        for episode in file.episodes {
            let env = try Gymnasium.make(task)
            // The script maps onto the model's Float64 ctrlrange (±0.4 is not a Float32), so the
            // test does too.
            let range = env.physics.actuatorControlRange
            let low = (0 ..< env.actionSize).map { range[2 * $0] }, high = (0 ..< env.actionSize).map { range[2 * $0 + 1] }
            let limited = TimeLimit(env, limit: env.episodeLength)
            _ = limited.reset(seed: 0)
            var worstObservation = 0.0, worstReward = 0.0, worstInfo = 0.0, total = 0.0
            let first = env.resetToState(qpos: episode.qpos, qvel: episode.qvel)
            #expect(first.count == episode.observations[0].count, "\(task): observation size")
            for (a, b) in zip(first, episode.observations[0]) { worstObservation = max(worstObservation, abs(a - b)) }
            var row = 1, steps = 0
            while true {
                let action = GymnasiumReference.action(seed: episode.action_seed, step: steps, scale: episode.action_scale,
                                                       low: low, high: high)
                let r = limited.step(action)
                steps += 1
                total += r.reward
                if row < episode.rows.count && episode.rows[row] == steps {
                    for (a, b) in zip(env.lastObservation, episode.observations[row]) { worstObservation = max(worstObservation, abs(a - b)) }
                    worstReward = max(worstReward, abs(r.reward - episode.rewards[row - 1]))
                    let expected = episode.infos[row - 1]
                    #expect(Set(env.lastOutcome.info.keys) == Set(expected.keys), "\(task): info keys")
                    for (key, value) in expected {
                        worstInfo = max(worstInfo, abs((env.lastOutcome.info[key] ?? .infinity) - value))
                    }
                    #expect(r.terminated == episode.terminated[row - 1], "\(task) seed \(episode.seed) step \(steps): terminated")
                    #expect(r.truncated == episode.truncated[row - 1], "\(task) seed \(episode.seed) step \(steps): truncated")
                    row += 1
                }
                if r.terminated || r.truncated { break }
            }
            #expect(steps == episode.steps, "\(task) seed \(episode.seed): episode length \(steps) vs \(episode.steps)")
            #expect(row == episode.rows.count, "\(task): every recorded step was visited")
            #expect(worstObservation <= 1e-6, "\(task) seed \(episode.seed): max observation error \(worstObservation)")
            #expect(worstReward <= 1e-6, "\(task) seed \(episode.seed): max reward error \(worstReward)")
            #expect(worstInfo <= 1e-6, "\(task) seed \(episode.seed): max info error \(worstInfo)")
            #expect(abs(total - episode.return) <= 1e-6 * Double(episode.steps), "\(task) seed \(episode.seed): return \(total) vs \(episode.return)")
            print("gym reference \(task) seed \(episode.seed): \(steps) steps, max errors observation \(worstObservation), reward \(worstReward), info \(worstInfo)")
        }
    }
}

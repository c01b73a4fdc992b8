import Foundation
import MuJoCo
import Testing
import TensorCore
import Environments

/// Episodes recorded from dm_control 1.0.34 (scripts/reference/dmc_reference.py record), replayed
/// from the same physics state with the same actions.
///
/// The committed fixtures keep one seed per task and every 100th step; CI regenerates full
/// episodes (every step, three seeds) and points `RFM_DMC_REFERENCE_DIR` at them.
enum ControlSuiteReference {
    struct Episode: Decodable {
        let seed: Int, action_seed: UInt64, steps: Int
        let state: [Double], task_variables: [Double]
        let rows: [Int], observations: [[Double]], rewards: [Double]
        let `return`: Double
    }
    struct File: Decodable { let task: String; let mujoco: String; let episodes: [Episode] }

    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["RFM_DMC_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/dmc")
    }

    static func load(_ task: String) throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: directory.appendingPathComponent("\(task).json")))
    }

    /// The script's action sequence: `2u − 1`, `u` from splitmix64 of (seed, step, index).
    static func action(seed: UInt64, step: Int, size: Int) -> [Double] {
        let base = seed &* 0x9E37_79B9_7F4A_7C15
        return (0 ..< size).map { i in
            2 * Double(splitMix64(base &+ UInt64(step * size + i)) >> 11) * 0x1p-53 - 1
        }
    }

    static let paperTasks = ["cheetah-run", "cartpole-swingup", "fish-swim", "fish-upright", "walker-walk", "walker-run",
                             "finger-spin", "finger-turn_hard", "pendulum-swingup", "cartpole-balance", "reacher-easy",
                             "walker-stand"]
}

@Suite("DeepMind Control tasks against dm_control")
struct ControlSuiteReferenceTests {
    @Test("Replayed episodes match dm_control within 1e-6 at every recorded step", arguments: ControlSuiteReference.paperTasks)
    func replay(task: String) throws {
        let file = try ControlSuiteReference.load(task)
        #expect(file.mujoco == Physics.version)
        #expect(!file.episodes.isEmpty)
        for episode in file.episodes {
            let env = try ControlSuite.make(task)
            #expect(env.episodeLength == episode.steps)
            var worstObservation = 0.0, worstReward = 0.0, total = 0.0
            var obs = try env.resetToState(episode.state, taskVariables: episode.task_variables)
            #expect(obs.count == episode.observations[0].count, "\(task): observation size")
            func compare(_ row: Int, _ o: [Double]) {
                for (a, b) in zip(o, episode.observations[row]) { worstObservation = max(worstObservation, abs(a - b)) }
            }
            compare(0, obs)
            var row = 1
            for t in 0 ..< episode.steps {
                let (o, r) = env.stepDouble(ControlSuiteReference.action(seed: episode.action_seed, step: t, size: env.actionSize))
                obs = o
                total += r
                if row < episode.rows.count && episode.rows[row] == t + 1 {
                    compare(row, o)
                    worstReward = max(worstReward, abs(r - episode.rewards[row - 1]))
                    row += 1
                }
            }
            #expect(row == episode.rows.count, "\(task): every recorded step was visited")
            #expect(worstObservation <= 1e-6, "\(task) seed \(episode.seed): max observation error \(worstObservation)")
            #expect(worstReward <= 1e-6, "\(task) seed \(episode.seed): max reward error \(worstReward)")
            #expect(abs(total - episode.return) <= 1e-6 * Double(episode.steps), "\(task) seed \(episode.seed): return \(total) vs \(episode.return)")
        }
    }
}

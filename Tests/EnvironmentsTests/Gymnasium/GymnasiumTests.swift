import Foundation
import MuJoCo
import Testing
import TensorCore
import Environments

@Suite("Gymnasium MuJoCo v5 tasks")
struct GymnasiumTests {
    @Test("Every task builds with Gymnasium's sizes, ranges and episode lengths")
    func catalog() throws {
        let sizes: [String: (obs: Int, act: Int, steps: Int, high: Float)] = [
            "HalfCheetah-v5": (17, 6, 1000, 1), "Hopper-v5": (11, 3, 1000, 1), "Walker2d-v5": (17, 6, 1000, 1),
            "Ant-v5": (105, 8, 1000, 1), "Humanoid-v5": (348, 17, 1000, 0.4), "Swimmer-v5": (8, 2, 1000, 1),
            "InvertedPendulum-v5": (4, 1, 1000, 3), "InvertedDoublePendulum-v5": (9, 1, 1000, 1),
            "Reacher-v5": (10, 2, 50, 1), "Pusher-v5": (23, 7, 100, 2), "HumanoidStandup-v5": (348, 17, 1000, 0.4),
        ]
        #expect(Set(sizes.keys) == Set(Gymnasium.names))
        for (name, size) in sizes {
            #expect(EnvironmentRegistry.names.contains(name))
            let env = try Gymnasium.make(name)
            #expect(env.observationSize == size.obs, "\(name): observation size \(env.observationSize)")
            #expect(env.actionSize == size.act, "\(name)")
            #expect(env.episodeLength == size.steps, "\(name)")
            #expect(env.actionHigh.allSatisfy { $0 == size.high } && env.actionLow.allSatisfy { $0 == -size.high }, "\(name)")
            let wrapped = try EnvironmentRegistry.make(name)
            #expect(wrapped.actionLow.allSatisfy { $0 == -1 } && wrapped.actionHigh.allSatisfy { $0 == 1 }, "\(name)")
        }
    }

    @Test("Episodes end by truncation at the time limit, or by termination when a task falls")
    func episodeEnds() throws {
        let cheetah = try EnvironmentRegistry.make("HalfCheetah-v5")
        _ = cheetah.reset(seed: 1)
        var steps = 0
        while true {
            steps += 1
            let r = cheetah.step([Float](repeating: 0.5, count: 6))
            #expect(!r.terminated)
            if r.truncated { break }
        }
        #expect(steps == 1000)
        // The hopper under full random torques falls within a few dozen steps: terminated, not truncated.
        let hopper = try EnvironmentRegistry.make("Hopper-v5")
        _ = hopper.reset(seed: 2)
        var rng = RandomStream(seed: 2)
        var last = StepResult(observation: [], reward: 0, terminated: false, truncated: false)
        for _ in 0 ..< 1000 {
            last = hopper.step((0 ..< 3).map { _ in 2 * rng.uniform() - 1 })
            if last.terminated || last.truncated { break }
        }
        #expect(last.terminated && !last.truncated)
        // With termination switched off the same hopper runs to the time limit.
        let immortal = RescaledActions(TimeLimit(try Gymnasium.make("Hopper-v5", options: .init(terminateWhenUnhealthy: false)), limit: 1000))
        _ = immortal.reset(seed: 2)
        rng = RandomStream(seed: 2)
        steps = 0
        while true {
            steps += 1
            let r = immortal.step((0 ..< 3).map { _ in 2 * rng.uniform() - 1 })
            #expect(!r.terminated)
            if r.truncated { break }
        }
        #expect(steps == 1000)
    }

    @Test("Options override the v5 defaults: weights change the reward terms as Gymnasium's would")
    func options() throws {
        let base = try Gymnasium.make("Walker2d-v5")
        let changed = try Gymnasium.make("Walker2d-v5", options: .init(forwardRewardWeight: 2, ctrlCostWeight: 0.5, healthyReward: 3))
        _ = base.resetDouble(seed: 4)
        _ = changed.resetDouble(seed: 4)
        let action = [0.3, -0.2, 0.1, 0.5, -0.4, 0.2]
        let a = base.stepDouble(action).outcome, b = changed.stepDouble(action).outcome
        #expect(b.info["reward_forward"]! == 2 * a.info["reward_forward"]!)
        #expect(abs(b.info["reward_ctrl"]! - 500 * a.info["reward_ctrl"]!) < 1e-12)
        #expect(a.info["reward_survive"] == 1 && b.info["reward_survive"] == 3)
        let noisy = try Gymnasium.make("Walker2d-v5", options: .init(resetNoiseScale: 0.5))
        let still = try Gymnasium.make("Walker2d-v5", options: .init(resetNoiseScale: 0))
        let first = still.resetDouble(seed: 1)
        #expect(first == still.resetDouble(seed: 2), "no noise: every reset is qpos0")
        #expect(noisy.resetDouble(seed: 1).map(abs).max()! > 0.1)
    }

    @Test("Same seed, same episode; a saved state resumes bit for bit", arguments: ["Ant-v5", "Humanoid-v5", "Reacher-v5"])
    func saveAndRestore(name: String) throws {
        let a = try Gymnasium.make(name), b = try Gymnasium.make(name)
        #expect(a.resetDouble(seed: 7) == b.resetDouble(seed: 7))
        #expect(a.resetDouble(seed: 7) != b.resetDouble(seed: 8))
        _ = a.resetDouble(seed: 7)
        let actions = (0 ..< 20).map { t in (0 ..< a.actionSize).map { i in 0.3 * sin(Double(t * 7 + i)) } }
        for t in 0 ..< 10 { a.stepDouble(actions[t]) }
        let saved = a.saveState()
        try b.restoreState(saved)
        for t in 10 ..< 20 {
            let x = a.stepDouble(actions[t]), y = b.stepDouble(actions[t])
            #expect(x.observation == y.observation && x.outcome.reward == y.outcome.reward, "\(name) step \(t)")
        }
    }

    @Test("Reset distributions agree with Gymnasium's (means and spreads of qpos, qvel over 2,000 resets)",
          arguments: Gymnasium.names)
    func resetDistributions(name: String) throws {
        struct Entry: Decodable { let count: Int; let mean: [Double]; let std: [Double] }
        struct File: Decodable { let mujoco: String; let tasks: [String: Entry] }
        let url = GymnasiumReference.directory.appendingPathComponent("resets.json")
        let reference = try #require(try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).tasks[name])
        let env = try Gymnasium.make(name)
        let n = reference.count
        var sum = [Double](repeating: 0, count: reference.mean.count), sumSquares = sum
        for i in 0 ..< n {
            _ = env.resetDouble(seed: UInt64(500_000 + i))
            let state = Array(env.physics.qpos) + Array(env.physics.qvel)
            for k in state.indices { sum[k] += state[k]; sumSquares[k] += state[k] * state[k] }
        }
        for k in sum.indices {
            let mean = sum[k] / Double(n)
            let std = max(sumSquares[k] / Double(n) - mean * mean, 0).squareRoot()
            let (m, s) = (reference.mean[k], reference.std[k])
            if s == 0 {
                #expect(std < 1e-12 && abs(mean - m) < 1e-12, "\(name) entry \(k): constant \(m) vs mean \(mean), std \(std)")
            } else {
                // Five standard errors of the difference of two means; spreads within 10 %
                // (the standard error of a spread over 2,000 draws is about 1.6 %).
                let tolerance = 5 * ((s * s + std * std) / Double(n)).squareRoot()
                #expect(abs(mean - m) <= tolerance, "\(name) entry \(k): mean \(mean) vs Gymnasium's \(m)")
                #expect(abs(std / s - 1) <= 0.1, "\(name) entry \(k): spread \(std) vs Gymnasium's \(s)")
            }
        }
    }
}

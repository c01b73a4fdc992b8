import Foundation
import MuJoCo
import Testing
import TensorCore
import Environments

@Suite("DeepMind Control tasks")
struct ControlSuiteTests {
    @Test("Every task builds with dm_control's sizes and 1000-step episodes")
    func catalog() throws {
        let sizes: [String: (obs: Int, act: Int)] = [
            "cheetah-run": (17, 6), "cartpole-swingup": (5, 1), "fish-swim": (24, 5), "fish-upright": (21, 5),
            "walker-walk": (24, 6), "walker-run": (24, 6), "finger-spin": (9, 2), "finger-turn_hard": (12, 2),
            "pendulum-swingup": (3, 1), "cartpole-balance": (5, 1), "reacher-easy": (6, 2), "walker-stand": (24, 6),
        ]
        for (name, size) in sizes {
            let env = try ControlSuite.make(name)
            #expect(env.observationSize == size.obs, "\(name)")
            #expect(env.actionSize == size.act, "\(name)")
            #expect(env.episodeLength == 1000, "\(name)")
            #expect(env.actionLow.allSatisfy { $0 == -1 } && env.actionHigh.allSatisfy { $0 == 1 }, "\(name)")
            let wrapped = try EnvironmentRegistry.make(name)
            _ = wrapped.reset(seed: 3)
            var steps = 0
            while true {
                steps += 1
                let r = wrapped.step([Float](repeating: 0, count: size.act))
                #expect(!r.terminated)
                if r.truncated { break }
            }
            #expect(steps == 1000, "\(name): episode ends by truncation after 1000 steps")
        }
        #expect(Physics.version == "3.3.6")
    }

    @Test("Unknown task names and a missing model folder give clear errors")
    func errors() throws {
        #expect(throws: EnvironmentError.self) { try ControlSuite.make("cheetah-walk") }
        do {
            _ = try ControlSuiteEnvironment(ControlSuite.spec(named: "cheetah-run")!, modelDirectory: "/nonexistent")
            Issue.record("a missing model file was accepted")
        } catch let error as MuJoCoError {
            #expect(error.description.contains("/nonexistent/cheetah.xml"))
            #expect(error.description.contains("scripts/setup.sh"))
        }
    }

    @Test("Same seed, same episode; different seeds, different starts")
    func reproducibleResets() throws {
        for name in ["walker-walk", "finger-turn_hard", "fish-swim", "reacher-easy"] {
            let a = try ControlSuite.make(name), b = try ControlSuite.make(name)
            let first = a.resetDouble(seed: 11)
            #expect(first == b.resetDouble(seed: 11), "\(name)")
            #expect(first != b.resetDouble(seed: 12), "\(name)")
        }
    }

    @Test("Initial states follow dm_control's randomisation rules")
    func initialStates() throws {
        let reacher = try ControlSuite.make("reacher-easy")
        let fish = try ControlSuite.make("fish-swim")
        let finger = try ControlSuite.make("finger-turn_hard")
        let cheetah = try ControlSuite.make("cheetah-run")
        for seed in UInt64(0) ..< 40 {
            _ = reacher.resetDouble(seed: seed)
            let t = reacher.saveState()
            // Layout: integration state, then the task variables (target x, y), then their count.
            let x = t[t.count - 3], y = t[t.count - 2]
            let radius = (x * x + y * y).squareRoot()
            #expect(radius >= 0.05 && radius <= 0.2, "reacher target radius \(radius)")

            _ = fish.resetDouble(seed: seed)
            let q = Array(fish.physics.qpos[3 ..< 7])
            #expect(abs(q.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9, "fish orientation is a unit quaternion")
            let s = fish.saveState()
            #expect(abs(s[s.count - 4]) <= 0.4 && abs(s[s.count - 3]) <= 0.4 && (0.1 ... 0.3).contains(s[s.count - 2]))

            _ = finger.resetDouble(seed: seed)
            #expect(finger.physics.contactCount == 0, "finger starts without contacts")

            _ = cheetah.resetDouble(seed: seed)
            #expect(cheetah.physics.time == 0, "cheetah's clock restarts after settling")
        }
    }

    @Test("Saving mid-episode and restoring into a fresh environment continues bit for bit")
    func saveRestore() throws {
        for name in ["cheetah-run", "cartpole-swingup", "finger-turn_hard", "fish-swim"] {
            let a = try ControlSuite.make(name)
            _ = a.resetDouble(seed: 5)
            var rng = RandomStream(seed: 9)
            func action() -> [Double] { (0 ..< a.actionSize).map { _ in Double(2 * rng.uniform() - 1) } }
            for _ in 0 ..< 30 { _ = a.stepDouble(action()) }
            let saved = a.saveState()
            let actions = (0 ..< 30).map { _ in action() }
            let expected = actions.map { a.stepDouble($0) }
            let b = try ControlSuite.make(name)
            _ = b.resetDouble(seed: 77)
            try b.restoreState(saved)
            for (act, want) in zip(actions, expected) {
                let got = b.stepDouble(act)
                #expect(got.observation == want.observation && got.reward == want.reward, "\(name)")
            }
        }
    }
}

/// Reset distributions against dm_control's: the mean and spread of every observation entry
/// right after reset, over 300 seeds on each side (dm_control's recorded by
/// `scripts/reference/dmc_reference.py resets`). Different random streams, same law.
@Suite("DeepMind Control reset distributions")
struct ControlSuiteResetTests {
    struct Summary: Decodable { let count: Int; let mean: [Double]; let std: [Double] }
    struct File: Decodable { let mujoco: String; let tasks: [String: Summary] }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/dmc_resets.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    @Test("Initial observations: means within 5 standard errors, spreads within 25 %",
          arguments: ControlSuiteReference.paperTasks)
    func resets(task: String) throws {
        let reference = try #require(Self.file.tasks[task])
        let env = try ControlSuite.make(task)
        let n = reference.count
        let rows = (0 ..< n).map { env.resetDouble(seed: UInt64(500_000 + $0)) }
        #expect(rows[0].count == reference.mean.count)
        for d in reference.mean.indices {
            let values = rows.map { $0[d] }
            let mean = values.reduce(0, +) / Double(n)
            let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            let standardError = ((std * std + reference.std[d] * reference.std[d]) / Double(n)).squareRoot()
            #expect(abs(mean - reference.mean[d]) <= 5 * standardError + 1e-9,
                    "\(task) entry \(d): mean \(mean) vs dm_control \(reference.mean[d]) (s.e. \(standardError))")
            if reference.std[d] > 1e-6 {
                #expect(abs(std / reference.std[d] - 1) <= 0.25, "\(task) entry \(d): std \(std) vs dm_control \(reference.std[d])")
            } else {
                #expect(std <= 1e-6, "\(task) entry \(d): std \(std), dm_control has none")
            }
        }
    }
}

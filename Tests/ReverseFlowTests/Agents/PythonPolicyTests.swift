import Environments
import Foundation
import ReverseFlow
import TensorCore
import Testing

/// The Python package (`python/rfm`) against the Swift agents: a tiny trained run's checkpoint,
/// the same observations and the same initial noise give the same deterministic actions, and the
/// package's Pendulum episodes return what `rfm eval` returns. The Python side is
/// `scripts/reference/python_policy_check.py`; skipped, saying why, without `.venv-tb`
/// (scripts/reference/tensorboard_venv.sh).
@Suite struct PythonPolicyTests {
    struct Expected: Encodable {
        let observations: [[Float]]
        /// RFM: the initial noise of deterministic acting, `[B][P·d]`; empty for SAC.
        let noise: [[Float]]
        let actions: [[Float]]
        let evalSeed: Int
        /// `rfm eval --episodes 2 --seed 7` on Pendulum; empty for other tasks.
        let evalReturns: [Double]
        /// RFM: each evaluation step's particle noise `[episode][step][P·d]`; empty for SAC.
        let evalNoise: [[[Float]]]
    }

    /// Variants: the paper's Euler flow; Heun; λ part-way through its annealing (the schedule
    /// at the checkpoint's update count); six action dimensions (cheetah-run, actions only: the
    /// package has no MuJoCo); SAC.
    static let variants: [String: (agent: String, sets: [String])] = [
        "rfm": ("rfm", []),
        "rfm-heun": ("rfm", ["rfm.integrator=heun"]),
        "rfm-annealed": ("rfm", ["rfm.temperature=1", "rfm.temperature_final=0.01", "rfm.temperature_steps=1000"]),
        "rfm-cheetah": ("rfm", ["env=cheetah-run", "rfm.particles_eval=4"]),
        "sac": ("sac", []),
    ]

    @Test(arguments: ["rfm", "rfm-heun", "rfm-annealed", "rfm-cheetah", "sac"])
    func pythonActsAsSwiftDoes(variant: String) throws {
        let (agent, sets) = Self.variants[variant]!
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".venv-tb/bin/python").path
        guard TensorBoardLogTests.run(python, ["-c", "import numpy, safetensors"]).status == 0 else {
            print("skipped pythonActsAsSwiftDoes: no \(python) with numpy and safetensors (bash scripts/reference/tensorboard_venv.sh)")
            return
        }
        let run = TrainerTests.folder()
        let t = try Trainer(config: try TrainerTests.tiny(agent, steps: 200).overriding(sets), runDirectory: run, resume: false)
        t.report = { _ in }
        try t.run()
        let (config, saved) = try SavedAgent.load(runDirectory: run)
        var rng = RandomStream(seed: 3)
        let env = try EnvironmentRegistry.make(config.string("env"))
        let observations: [[Float]] = (0..<6).map { _ in (0..<env.observationSize).map { _ in rng.uniform() * 4 - 2 } }
        let obs = Tensor(rows: observations.count, cols: env.observationSize)
        for (i, o) in observations.enumerated() { obs.setRow(i, o) }
        let actions = saved.act(observations: obs, deterministic: true, rng: &rng).toArray()
        var noise: [[Float]] = []
        if let rfm = saved as? RFMAgent {
            let n = rfm.evaluationNoise(obs).toArray(), per = n.count / observations.count
            noise = (0..<observations.count).map { Array(n[($0 * per)..<(($0 + 1) * per)]) }
        }
        let pendulum = config.string("env") == "pendulum"
        let returns = pendulum ? Evaluation.run(agent: saved, environment: env, episodes: 2, runSeed: 7) : []
        // The same episodes again, recording each step's particle noise for Python to replay.
        var evalNoise: [[[Float]]] = []
        if pendulum, let rfm = saved as? RFMAgent {
            let one = Tensor(rows: 1, cols: env.observationSize)
            var replayed: [Double] = []
            for e in 0..<2 {
                var o = env.reset(seed: Evaluation.episodeSeed(runSeed: 7, episode: e)), total = 0.0, steps: [[Float]] = []
                while true {
                    one.setRow(0, o)
                    steps.append(rfm.evaluationNoise(one).toArray())
                    let r = env.step(rfm.act(observations: one, deterministic: true, rng: &rng).toArray())
                    total += r.reward
                    o = r.observation
                    if r.terminated || r.truncated { break }
                }
                evalNoise.append(steps)
                replayed.append(total)
            }
            #expect(replayed == returns)
        }
        let d = actions.count / observations.count
        let expected = Expected(observations: observations, noise: noise,
                                actions: (0..<observations.count).map { Array(actions[($0 * d)..<(($0 + 1) * d)]) },
                                evalSeed: 7, evalReturns: returns, evalNoise: evalNoise)
        let file = run.appendingPathComponent("swift-expected.json")
        try JSONEncoder().encode(expected).write(to: file)
        let check = TensorBoardLogTests.run(python, [root.appendingPathComponent("scripts/reference/python_policy_check.py").path,
                                                     run.path, file.path])
        print("\(variant): \(check.output)")
        #expect(check.status == 0, "\(check.output)")
    }
}

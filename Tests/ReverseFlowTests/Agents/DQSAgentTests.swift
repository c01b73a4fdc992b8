import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

@Suite struct DQSAgentTests {
    static func settings(samples: Int = 16, temperature: (Float, Float) = (0.05, 0.05), diffusionScale: Float = 1) -> DQSAgent.Settings {
        DQSAgent.Settings(networks: NetworkSettings(critic: AgentTestSupport.critic, actorWidth: 16, actorBlocks: 1, embeddingSize: 8,
                                                    actorLearningRate: 3e-4, actorMaxGradNorm: 10), steps: 5, schedule: VESchedule(sigmaMin: 1e-5, sigmaMax: 1),
                          diffusionScale: diffusionScale, samples: samples, weightOffset: 1e-3,
                          temperatureInitial: temperature.0, temperatureFinal: temperature.1, temperatureSteps: 100)
    }

    static func agent(_ s: DQSAgent.Settings = settings(), seed: UInt64 = 1) -> DQSAgent {
        var rng = RandomStream(seed: seed)
        return DQSAgent(observationSize: 3, actionSize: 2, settings: s, rng: &rng)
    }

    /// `h(t) = σ_min²(r^{2t} − 1)` and `g(t) = σ_min r^t √(2 ln r)` with r = σ_max/σ_min, the
    /// reference's `noise_h`/`noise_g`; g² is the derivative of h.
    @Test func veScheduleClosedForm() {
        let s = VESchedule(sigmaMin: 1e-5, sigmaMax: 1)
        #expect(s.variance(0) == 0)
        #expect(abs(s.variance(1) - (1 - 1e-10)) < 1e-12)
        #expect(abs(s.diffusion(0) - 1e-5 * (2 * log(1e5)).squareRoot()) < 1e-15)
        for t in [0.01, 0.3, 0.5, 0.9, 1.0] {
            let direct = pow(1e-5 * (pow(1e5, 2 * t) - 1).squareRoot(), 2)
            #expect(abs(s.variance(t) - direct) <= 1e-12 * max(direct, 1e-10), "h(\(t))")
            #expect(abs(s.diffusion(t) - 1e-5 * pow(1e5, t) * (2 * log(1e5)).squareRoot()) <= 1e-12 * s.diffusion(t), "g(\(t))")
            let e = 1e-6
            let slope = (s.variance(t + e) - s.variance(t - e)) / (2 * e)
            #expect(abs(slope - s.diffusion(t) * s.diffusion(t)) < 1e-6 * slope, "g²(\(t))")
        }
    }

    /// On `Q(a) = −‖a − μ‖²/(2s²)` the tempered law `exp(Q/λ)` is `N(μ, λs²I)`, smoothed by h it
    /// is `N(μ, (λs² + h)I)`, whose score at x is `−(x − μ)/(λs² + h)`. R independent estimates
    /// at one point (R rows of one call) must average to it.
    @Test(arguments: [0.001, 0.05, 0.5])
    func smoothedScoreMatchesTheGaussianScore(h: Double) {
        let energy = QuadraticEnergy(mu: [0.5, -0.3], s: 0.5)
        let lambda: Float = 0.4, point: [Float] = [0.2, 0.4], rows = 400
        let estimator = SmoothedScoreEstimator(actionDim: 2, samples: 256)
        var rng = RandomStream(seed: 3)
        let x = Tensor(rows: rows, cols: 2), variance = Tensor(count: rows)
        Kernels.broadcastRow(Tensor(shape: [2], values: point), into: x)
        variance.fill(Float(h))
        let noise = estimator.drawNoise(rows: rows, rng: &rng)
        let r = estimator.estimate(target: energy, conditions: nil, x: x, variance: variance, temperature: lambda, noise: noise)
        for j in 0..<2 {
            let exact = -(Double(point[j]) - Double(energy.mu[j])) / (Double(lambda) * 0.25 + h)
            let values = (0..<rows).map { Double(r.scores[$0, j]) }
            let mean = values.reduce(0, +) / Double(rows)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows)
            // Monte-Carlo error of the mean over R rows plus the O(1/K) bias of self-normalisation.
            let tolerance = 4 * (variance / Double(rows)).squareRoot() + 0.02 * abs(exact)
            #expect(abs(mean - exact) < tolerance, "h=\(h) dim \(j): \(mean) vs \(exact) (± \(tolerance))")
        }
        #expect(r.ess.toArray().allSatisfy { $0 >= 1 && $0 <= 256.5 })
    }

    /// Processing rows in chunks gives the same scores as all at once, on the critic.
    @Test func chunkingDoesNotChangeTheEstimate() {
        let agent = Self.agent()
        let batch = AgentTestSupport.batch(size: 10)
        let variance = Tensor(count: 10)
        variance.fill(0.2)
        let estimator = SmoothedScoreEstimator(actionDim: 2, samples: 16)
        var rng = RandomStream(seed: 4)
        let noise = estimator.drawNoise(rows: 10, rng: &rng).copy()
        estimator.maxRowsPerChunk = 1 << 20
        let whole = estimator.estimate(target: agent.critic, conditions: batch.observations, x: batch.actions, variance: variance,
                                       temperature: 0.05, noise: noise).scores.copy()
        estimator.maxRowsPerChunk = 48  // three rows per chunk, the last chunk short
        let chunked = estimator.estimate(target: agent.critic, conditions: batch.observations, x: batch.actions, variance: variance,
                                         temperature: 0.05, noise: noise).scores
        for i in 0..<whole.count { #expect(abs(whole[i] - chunked[i]) <= 1e-5 * max(1, abs(whole[i]))) }
    }

    /// Acting reproduces Euler–Maruyama on the VE SDE written out step by step with the closed-form
    /// g(t): the same normals, the network through its training path, `a = tanh(x)`.
    @Test(arguments: [Float(1), 0])
    func actingFollowsTheReferenceSampler(diffusionScale: Float) {
        let agent = Self.agent(Self.settings(diffusionScale: diffusionScale))
        let states = AgentTestSupport.batch(size: 4).observations
        var rng = RandomStream(seed: 12)
        let actions = agent.act(observations: states, deterministic: false, rng: &rng).copy()
        var again = RandomStream(seed: 12)
        let x = Tensor(rows: 4, cols: 2), z = Tensor(rows: 4, cols: 2), times = Tensor(count: 4)
        again.fillNormal(x)
        Kernels.scale(x, by: Float((1 - 1e-10).squareRoot()), into: x)
        let steps = 5, dt = 1.0 / Double(steps)
        for n in 0..<steps {
            let t = 1 - Double(n) * dt, g = 1e-5 * pow(1e5, t) * (2 * log(1e5)).squareRoot()
            times.fill(Float(t))
            let score = agent.network.forward(states: states, latents: x, times: times, temperature: 0.05, cache: .init()).copy()
            if diffusionScale != 0 { again.fillNormal(z) }
            for i in 0..<x.count {
                x[i] = Float(Double(x[i]) + g * g * Double(score[i]) * dt + Double(diffusionScale) * g * dt.squareRoot() * Double(z[i]))
            }
        }
        for i in 0..<x.count { #expect(abs(actions[i] - tanh(x[i])) < 1e-4, "\(i): \(actions[i]) vs \(tanh(x[i]))") }
    }

    @Test func temperatureAnnealsLogLinearly() {
        let agent = Self.agent(Self.settings(temperature: (0.1, 0.001)))
        #expect(abs(agent.temperature(after: 0) - 0.1) < 1e-7)
        #expect(abs(agent.temperature(after: 50) - 0.01) < 1e-6)
        #expect(abs(agent.temperature(after: 100) - 0.001) < 1e-8 && agent.temperature(after: 1000) == agent.temperature(after: 100))
    }

    @Test func oneUpdateIsFiniteMovesEveryTensorAndIsDeterministic() {
        let a = Self.agent(), b = Self.agent()
        let before = AgentTestSupport.snapshot(a)
        let batch = AgentTestSupport.batch()
        var r1 = RandomStream(seed: 5), r2 = RandomStream(seed: 5)
        let m1 = a.update(batch: batch, rng: &r1), m2 = b.update(batch: batch, rng: &r2)
        #expect(m1 == m2)
        #expect(AgentTestSupport.snapshot(a) == AgentTestSupport.snapshot(b))
        for key in ["critic/loss", "critic/grad_norm", "actor/loss", "actor/grad_norm", "estimator/ess"] {
            #expect(m1[key].map { $0.isFinite && $0 > 0 } == true, "\(key): \(String(describing: m1[key]))")
        }
        #expect(m1["estimator/ess"]! <= 16 && m1["agent/temperature"] == Double(Float(0.05)))
        let names = a.stateTensors.names
        for (i, (old, new)) in zip(before, AgentTestSupport.snapshot(a)).enumerated() {
            #expect(old != new, "\(names[i]) did not change")
        }
        let c = Self.agent()
        var r3 = RandomStream(seed: 6)
        #expect(c.update(batch: batch, rng: &r3) != m1)
    }

    @Test func actionsHaveTheBatchShapeAndStayInRange() {
        let agent = Self.agent()
        let states = AgentTestSupport.batch(size: 7).observations
        var rng = RandomStream(seed: 2), other = RandomStream(seed: 99)
        let explore = agent.act(observations: states, deterministic: false, rng: &rng).copy()
        #expect(explore.shape == [7, 2] && explore.toArray().allSatisfy { (-1...1).contains($0) && $0.isFinite })
        let eval1 = agent.act(observations: states, deterministic: true, rng: &rng).copy()
        let eval2 = agent.act(observations: states, deterministic: true, rng: &other).copy()
        #expect(eval1.shape == [7, 2] && eval1.toArray() == eval2.toArray())
        let single = Tensor(rows: 1, cols: 3)
        Kernels.copy(states.rows(2..<3), into: single.matrix)
        #expect(agent.act(observations: single, deterministic: true, rng: &other).toArray() == Array(eval1.toArray()[4..<6]))
    }

    @Test func savedStateRestoresExactly() throws {
        let s = Self.settings(temperature: (0.1, 0.01))  // annealed, so the update count matters too
        let a = Self.agent(s, seed: 1), b = Self.agent(s, seed: 2)
        var rng = RandomStream(seed: 3)
        for k in 0..<3 { _ = a.update(batch: AgentTestSupport.batch(seed: UInt64(k)), rng: &rng) }
        try AgentTestSupport.copyState(from: a, to: b)
        #expect(b.updates == 3)
        var r1 = RandomStream(seed: 4), r2 = RandomStream(seed: 4)
        let batch = AgentTestSupport.batch(seed: 10)
        #expect(a.update(batch: batch, rng: &r1) == b.update(batch: batch, rng: &r2))
        #expect(AgentTestSupport.snapshot(a) == AgentTestSupport.snapshot(b))
    }
}

/// Short end-to-end runs of the two baselines through the trainer, with exact resume.
@Suite struct BaselineTrainerTests {
    @Test(arguments: ["qsm", "dqs"])
    func smokeRunAndExactResume(agent: String) throws {
        let straight = TrainerTests.folder(), interrupted = TrainerTests.folder()
        let a = try Trainer(config: try AgentTestSupport.tinyRun(agent), runDirectory: straight, resume: false)
        a.report = { _ in }
        let final = try a.run()
        #expect(final?.isFinite == true)
        let b = try Trainer(config: try AgentTestSupport.tinyRun(agent), runDirectory: interrupted, resume: false)
        b.report = { _ in }
        b.stopAfterSteps = 237
        try b.run()
        let c = try Trainer(config: try RunConfig.file(interrupted.appendingPathComponent("config.yaml").path),
                            runDirectory: interrupted, resume: true)
        c.report = { _ in }
        try c.run()
        func rows(_ dir: URL) throws -> [[String: Double]] {
            try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).map { $0.filter { !$0.key.hasPrefix("time/") } }
        }
        let straightRows = try rows(straight)
        #expect(try straightRows == rows(interrupted))
        #expect(straightRows.filter { $0["eval/return"] != nil }.map { $0["step"]! } == [150, 300])
        #expect(straightRows.contains { $0["critic/loss"].map(\.isFinite) == true && $0["actor/loss"].map(\.isFinite) == true })
        let header = try String(contentsOf: straight.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.hasSuffix("agent/temperature"))
    }
}

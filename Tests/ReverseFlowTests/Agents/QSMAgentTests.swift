import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

@Suite struct QSMAgentTests {
    static func settings(clip: Float? = 1, temperature: Float = 1, explorationNoise: Float = 0.1) -> QSMAgent.Settings {
        QSMAgent.Settings(networks: NetworkSettings(critic: AgentTestSupport.critic, actorWidth: 16, actorBlocks: 1, embeddingSize: 8,
                                                    actorLearningRate: 3e-4, actorMaxGradNorm: 10), steps: 5, schedule: .vp(betaMin: 0.1, betaMax: 10), temperature: temperature,
                          clip: clip, gradientScale: 50, targetNoise: 0.1, explorationNoise: explorationNoise)
    }

    static func agent(_ s: QSMAgent.Settings = settings(), seed: UInt64 = 1) -> QSMAgent {
        var rng = RandomStream(seed: seed)
        return QSMAgent(observationSize: 3, actionSize: 2, settings: s, rng: &rng)
    }

    /// The reference's `vp_beta_schedule(T)`: `αₜ = exp(−b_min/T − ½(b_max − b_min)(2t − 1)/T²)`,
    /// t = 1 … T, ᾱ their running product; the VP schedule with β from 0.1 to 10 is the same.
    @Test func vpScheduleIsTheReferenceBetaSchedule() {
        let steps = 20
        let ours = NoiseSchedule.vp(betaMin: 0.1, betaMax: 10).discrete(steps: steps)
        var product = 1.0
        for t in 1...steps {
            let T = Double(steps)
            product *= exp(-0.1 / T - 0.5 * (10 - 0.1) * Double(2 * t - 1) / (T * T))
            #expect(abs(ours[t] - product) < 1e-12 * max(1, product), "t=\(t): \(ours[t]) vs \(product)")
        }
    }

    /// Acting reproduces the reference sampler written out step by step: the same normals, the
    /// network (through its training path) at time input k, `x ← (x − βₖ/√(1−ᾱₖ) ε)/√αₖ + √βₖ τ z`
    /// for k > 0, clipping after each step.
    @Test(arguments: [Optional(Float(1)), nil], [Float(1), 0.5])
    func actingFollowsTheReferenceSampler(clip: Float?, temperature: Float) {
        let agent = Self.agent(Self.settings(clip: clip, temperature: temperature, explorationNoise: 0))
        let states = AgentTestSupport.batch(size: 5).observations
        var rng = RandomStream(seed: 11)
        let actions = agent.act(observations: states, deterministic: false, rng: &rng).copy()

        let n = 5, steps = 5
        let ab = NoiseSchedule.vp(betaMin: 0.1, betaMax: 10).discrete(steps: steps)
        var again = RandomStream(seed: 11)
        let x = Tensor(rows: n, cols: 2), z = Tensor(rows: n, cols: 2), times = Tensor(count: n)
        again.fillNormal(x)
        for k in stride(from: steps - 1, through: 0, by: -1) {
            times.fill(Float(k))
            let eps = agent.network.forward(states: states, latents: x, times: times, temperature: temperature, cache: .init()).copy()
            let beta = 1 - ab[k + 1] / ab[k], alpha = 1 - beta, alphaBar = ab[k + 1]
            if k > 0 { again.fillNormal(z) }
            for i in 0..<x.count {
                var v = (Double(x[i]) - beta / (1 - alphaBar).squareRoot() * Double(eps[i])) / alpha.squareRoot()
                if k > 0 { v += beta.squareRoot() * Double(temperature) * Double(z[i]) }
                if let c = clip { v = min(max(v, Double(-c)), Double(c)) }
                x[i] = Float(v)
            }
        }
        for i in 0..<x.count { #expect(abs(actions[i] - x[i]) < 1e-4 * max(1, abs(x[i])), "\(i): \(actions[i]) vs \(x[i])") }
    }

    /// The regression target is −50 × the mean over the two critics of ∂Q/∂a, here against
    /// central differences of each critic.
    @Test func scoreTargetIsTheScaledMeanCriticGradient() {
        let agent = Self.agent()
        let batch = AgentTestSupport.batch(size: 6)
        let targets = Tensor(rows: 6, cols: 2)
        agent.scoreTargets(states: batch.observations, noisyActions: batch.actions, into: targets)
        func q(_ i: Int, _ a: Tensor) -> Tensor {
            let x = Tensor(rows: 6, cols: 5)
            Kernels.concatColumns(batch.observations, a, into: x)
            return agent.critic.online[i].forward(x, cache: .init()).copy()
        }
        let h: Float = 1e-3  // small enough that no difference straddles a ReLU kink here
        for j in 0..<2 {
            let plus = batch.actions.copy(), minus = batch.actions.copy()
            for r in 0..<6 { plus[r, j] += h; minus[r, j] -= h }
            let qp = [q(0, plus), q(1, plus)], qm = [q(0, minus), q(1, minus)]
            for r in 0..<6 {
                let mean = 0.5 * ((qp[0][r] - qm[0][r]) + (qp[1][r] - qm[1][r])) / (2 * h)
                #expect(abs(targets[r, j] - (-50 * mean)) < 2e-2 * max(1, abs(targets[r, j])), "row \(r) dim \(j): \(targets[r, j]) vs \(-50 * mean)")
            }
        }
        // Not the min critic's gradient: the two critics differ, and so do their gradients.
        let minGradient = Tensor(rows: 6, cols: 2)
        agent.critic.evaluate(conditions: batch.observations, actions: batch.actions, values: Tensor(rows: 6, cols: 1), gradients: minGradient)
        Kernels.scale(minGradient, by: -50, into: minGradient)
        #expect((0..<12).contains { abs(minGradient[$0] - targets[$0]) > 1e-3 })
    }

    @Test func oneUpdateIsFiniteMovesEveryTensorAndIsDeterministic() {
        let a = Self.agent(), b = Self.agent()
        let before = AgentTestSupport.snapshot(a)
        let batch = AgentTestSupport.batch()
        var r1 = RandomStream(seed: 5), r2 = RandomStream(seed: 5)
        let m1 = a.update(batch: batch, rng: &r1), m2 = b.update(batch: batch, rng: &r2)
        #expect(m1 == m2)
        #expect(AgentTestSupport.snapshot(a) == AgentTestSupport.snapshot(b))
        for key in ["critic/loss", "critic/grad_norm", "actor/loss", "actor/grad_norm", "actor/target_rms"] {
            #expect(m1[key].map { $0.isFinite && $0 > 0 } == true, "\(key): \(String(describing: m1[key]))")
        }
        let names = a.stateTensors.names
        for (i, (old, new)) in zip(before, AgentTestSupport.snapshot(a)).enumerated() {
            #expect(old != new, "\(names[i]) did not change")
        }
        // A different update stream gives a different update.
        let c = Self.agent()
        var r3 = RandomStream(seed: 6)
        #expect(c.update(batch: batch, rng: &r3) != m1)
    }

    @Test func actionsHaveTheBatchShapeAndStayInRange() {
        let agent = Self.agent(Self.settings(explorationNoise: 3))
        let states = AgentTestSupport.batch(size: 7).observations
        var rng = RandomStream(seed: 2)
        let explore = agent.act(observations: states, deterministic: false, rng: &rng).copy()
        #expect(explore.shape == [7, 2] && explore.toArray().allSatisfy { (-1...1).contains($0) })
        #expect(explore.toArray().contains { abs($0) == 1 })  // noise 3 pushes some onto the bounds
        // Evaluation: a function of the state alone (not of the stream, nor of the batch around it).
        var other = RandomStream(seed: 99)
        let eval1 = agent.act(observations: states, deterministic: true, rng: &rng).copy()
        let eval2 = agent.act(observations: states, deterministic: true, rng: &other).copy()
        #expect(eval1.shape == [7, 2] && eval1.toArray() == eval2.toArray())
        #expect(eval1.toArray().allSatisfy { (-1...1).contains($0) })
        let single = Tensor(rows: 1, cols: 3)
        Kernels.copy(states.rows(4..<5), into: single.matrix)
        #expect(agent.act(observations: single, deterministic: true, rng: &other).toArray() == Array(eval1.toArray()[8..<10]))
    }

    @Test func savedStateRestoresExactly() throws {
        let a = Self.agent(seed: 1), b = Self.agent(seed: 2)
        var rng = RandomStream(seed: 3)
        for s in 0..<3 { _ = a.update(batch: AgentTestSupport.batch(seed: UInt64(s)), rng: &rng) }
        try AgentTestSupport.copyState(from: a, to: b)
        #expect(a.stateScalars == b.stateScalars)
        var r1 = RandomStream(seed: 4), r2 = RandomStream(seed: 4)
        let batch = AgentTestSupport.batch(seed: 10)
        #expect(a.update(batch: batch, rng: &r1) == b.update(batch: batch, rng: &r2))
        #expect(AgentTestSupport.snapshot(a) == AgentTestSupport.snapshot(b))
        #expect(throws: CheckpointStateError.self) { try b.restoreScalars(["critic_optimizer.0.steps": 1, "critic_optimizer.1.steps": 1]) }
    }
}

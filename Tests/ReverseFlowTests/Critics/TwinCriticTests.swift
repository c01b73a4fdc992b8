import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

@Suite struct TwinCriticTests {
    let settings = TwinCritic.Settings(hidden: [16, 16], learningRate: 1e-3, maxGradNorm: 10, discount: 0.99, tau: 0.005)

    struct Batch {
        let s: Tensor, a: Tensor, r: Tensor, mask: Tensor, s2: Tensor, a2: Tensor
        init(size: Int, seed: UInt64) {
            var rng = RandomStream(seed: seed)
            s = Tensor(rows: size, cols: 3); a = Tensor(rows: size, cols: 2)
            s2 = Tensor(rows: size, cols: 3); a2 = Tensor(rows: size, cols: 2)
            r = Tensor(rows: size, cols: 1); mask = Tensor(rows: size, cols: 1)
            for t in [s, a, s2, a2, r] { rng.fillUniform(t, low: -1, high: 1) }
            mask.fill(1)
        }
    }

    @Test func terminationMaskDropsTheBootstrap() {
        var rng = RandomStream(seed: 1)
        let critic = TwinCritic(stateDim: 3, actionDim: 2, settings: settings, rng: &rng)
        let b = Batch(size: 8, seed: 2)
        b.mask.fill(0)
        let m = critic.update(states: b.s, actions: b.a, rewards: b.r, masks: b.mask, nextStates: b.s2, nextActions: b.a2)
        #expect(abs(Double(m.targetMean) - Kernels.sum(b.r) / 8) < 1e-6)
    }

    @Test func targetUsesTheMinimumOfTheTargetCritics() {
        var rng = RandomStream(seed: 3)
        let critic = TwinCritic(stateDim: 3, actionDim: 2, settings: settings, rng: &rng)
        let b = Batch(size: 4, seed: 4)
        let x = Tensor(rows: 4, cols: 5)
        Kernels.concatColumns(b.s2, b.a2, into: x)
        let q1 = critic.target[0].forward(x, cache: MLP.Cache()).copy()
        let q2 = critic.target[1].forward(x, cache: MLP.Cache()).copy()
        var expected = 0.0
        for i in 0..<4 { expected += Double(b.r[i] + 0.99 * min(q1[i], q2[i])) }
        let m = critic.update(states: b.s, actions: b.a, rewards: b.r, masks: b.mask, nextStates: b.s2, nextActions: b.a2)
        #expect(abs(Double(m.targetMean) - expected / 4) < 1e-5)
    }

    @Test func repeatedUpdatesFitAFixedBatchAndTargetsTrailByPolyak() {
        var rng = RandomStream(seed: 5)
        var fast = settings
        fast.discount = 0  // pure regression onto r
        let critic = TwinCritic(stateDim: 3, actionDim: 2, settings: fast, rng: &rng)
        let b = Batch(size: 32, seed: 6)
        let target0 = ParameterList(critic.target[0]).tensors[0].copy()
        let online0 = ParameterList(critic.online[0]).tensors[0].copy()
        let first = critic.update(states: b.s, actions: b.a, rewards: b.r, masks: b.mask, nextStates: b.s2, nextActions: b.a2)
        // After one step: θ̄ = (1 − τ)θ̄₀ + τθ₁.
        let online1 = ParameterList(critic.online[0]).tensors[0], target1 = ParameterList(critic.target[0]).tensors[0]
        for i in 0..<target1.count {
            #expect(abs(target1[i] - (0.995 * target0[i] + 0.005 * online1[i])) < 1e-6)
        }
        #expect(online1.toArray() != online0.toArray())
        var last = first
        for _ in 0..<300 {
            last = critic.update(states: b.s, actions: b.a, rewards: b.r, masks: b.mask, nextStates: b.s2, nextActions: b.a2)
        }
        #expect(last.loss < first.loss * 0.2)
        #expect(last.loss.isFinite && last.gradientNorm.isFinite)
    }

    @Test func minQIsTheSmallerOnlineValue() {
        var rng = RandomStream(seed: 7)
        let critic = TwinCritic(stateDim: 3, actionDim: 2, settings: settings, rng: &rng)
        let b = Batch(size: 5, seed: 8)
        let out = Tensor(rows: 5, cols: 1)
        critic.minQ(states: b.s, actions: b.a, into: out)
        let x = Tensor(rows: 5, cols: 5)
        Kernels.concatColumns(b.s, b.a, into: x)
        let q1 = critic.online[0].forward(x, cache: MLP.Cache()).copy()
        let q2 = critic.online[1].forward(x, cache: MLP.Cache())
        for i in 0..<5 { #expect(out[i] == min(q1[i], q2[i])) }
    }
}

import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

@Suite struct QVPOTests {
    func network(seed: UInt64 = 1) -> QVPONetwork {
        var rng = RandomStream(seed: seed)
        let net = QVPONetwork(stateDim: 3, actionDim: 2, width: 12, layers: 2, embeddingSize: 8, rng: &rng)
        for t in ParameterList(net).tensors where t.rank == 1 { rng.fillNormal(t, std: 0.1) }
        return net
    }

    /// The rollout path (state and step shares of the first layer) equals the training path.
    @Test func rolloutPathEqualsTrainingPath() {
        let net = network()
        var rng = RandomStream(seed: 2)
        let g = 3, p = 4, n = g * p
        let states = Tensor(rows: g, cols: 3), latents = Tensor(rows: n, cols: 2)
        rng.fillNormal(states); rng.fillNormal(latents)
        let rollout = QVPONetwork.Rollout()
        net.prepare(rollout, states: states)
        let fast = net.evaluate(rollout, latents: latents, step: 7).copy()
        let repeated = Tensor(rows: n, cols: 3), steps = Tensor(count: n)
        Kernels.repeatRows(states, times: p, into: repeated)
        steps.fill(7)
        let slow = net.forward(actions: latents, steps: steps, states: repeated, cache: .init())
        for i in 0..<fast.count { #expect(abs(fast[i] - slow[i]) < 1e-5) }
    }

    /// Weight gradients, through the step-embedding network too, against central differences of
    /// `L = Σ R ⊙ ε_θ` in Float64 bookkeeping.
    @Test func gradientsMatchFiniteDifferences() {
        let net = network(seed: 3), grads = net.zerosLike()
        var rng = RandomStream(seed: 4)
        let n = 5
        let x = Tensor(rows: n, cols: 2), s = Tensor(rows: n, cols: 3), r = Tensor(rows: n, cols: 2)
        let steps = Tensor(shape: [n], values: [0, 3, 7, 11, 19])
        rng.fillNormal(x); rng.fillNormal(s); rng.fillNormal(r)
        let cache = QVPONetwork.Cache()
        func loss() -> Double {
            let out = net.forward(actions: x, steps: steps, states: s, cache: cache)
            var l = 0.0
            for i in 0..<out.count { l += Double(out[i] * r[i]) }
            return l
        }
        _ = loss()
        net.backward(r, cache: cache, gradients: grads)
        let params = ParameterList(net), gradients = ParameterList(grads)
        var checked = 0
        for (k, name) in params.names.enumerated() {
            let t = params.tensors[k]
            for idx in [0, t.count / 2, t.count - 1] {
                let saved = t[idx], h: Float = 1e-2
                t[idx] = saved + h; let up = loss()
                t[idx] = saved - h; let down = loss()
                t[idx] = saved
                let numeric = (up - down) / Double(2 * h), analytic = Double(gradients.tensors[k][idx])
                #expect(abs(numeric - analytic) < 2e-2 * max(1, abs(numeric)), "\(name)[\(idx)]: \(analytic) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked == 3 * params.count && params.names.contains { $0.hasPrefix("time.") })
    }

    /// The loss weights are `max(Q(best) − mean Q, 0)`, not normalised: when the critic cannot
    /// tell actions apart every weight is 0 and the actor does not move at all.
    @Test func actorStaysPutWhenEveryWeightIsZero() throws {
        let agent = BaselineFixture.agent(try BaselineFixture.config("qvpo")) as! QVPOAgent
        for net in agent.critic.online + agent.critic.target { for t in ParameterList(net).tensors { t.fill(0) } }
        let batch = BaselineFixture.batch()
        batch.rewards.fill(0)
        let before = ParameterList(agent.network).tensors.map { $0.toArray() }
        var rng = RandomStream(seed: 8)
        let m = agent.update(batch: batch, rng: &rng)
        #expect(m["actor/weight_mean"] == 0 && m["actor/loss"] == 0)
        #expect(ParameterList(agent.network).tensors.map { $0.toArray() } == before)
    }

    /// The DDPM coefficients are the reference's cosine schedule (`cosine_beta_schedule(20)`).
    @Test func scheduleMatchesTheReference() {
        let diffusion = QVPODiffusion(network: network(), steps: 20, noiseRatio: 1)
        // ᾱ₁ and ᾱ₂₀ from make_diffusion_coeffs(20, "cosine") (NumPy, float32).
        #expect(diffusion.alphaBars[0] == 1)
        #expect(abs(diffusion.alphaBars[1] - 0.9920073) < 2e-6, "\(diffusion.alphaBars[1])")
        #expect(abs(diffusion.alphaBars[20] / 6.0595453e-6 - 1) < 1e-3, "\(diffusion.alphaBars[20])")
    }
}

import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

@Suite struct PolicyTests {
    func network(stateDim: Int = 4, actionDim: Int = 3, seed: UInt64 = 1) -> PolicyNetwork {
        var rng = RandomStream(seed: seed)
        let net = PolicyNetwork(stateDim: stateDim, actionDim: actionDim, width: 16, blocks: 2, embeddingSize: 8, rng: &rng)
        // Nonzero biases so every share of the first layer matters.
        for t in ParameterList(net).tensors where t.rank == 1 { rng.fillNormal(t, std: 0.1) }
        return net
    }

    /// The rollout path (first layer split into state, λ, t and latent shares) equals the training
    /// path on the assembled input.
    @Test(arguments: [4, 0])
    func rolloutPathEqualsTrainingPath(stateDim: Int) {
        let net = network(stateDim: stateDim)
        var rng = RandomStream(seed: 2)
        let g = 3, p = 5, n = g * p
        let states = Tensor(rows: g, cols: stateDim), latents = Tensor(rows: n, cols: 3)
        rng.fillNormal(states); rng.fillNormal(latents)
        let rollout = PolicyNetwork.Rollout()
        net.prepare(rollout, states: stateDim > 0 ? states : nil, temperature: 0.2)
        let fast = net.evaluate(rollout, latents: latents, time: 0.37).copy()
        let repeated = Tensor(rows: n, cols: stateDim)
        Kernels.repeatRows(states, times: p, into: repeated)
        let times = Tensor(count: n)
        times.fill(0.37)
        let slow = net.forward(states: stateDim > 0 ? repeated : nil, latents: latents, times: times, temperature: 0.2, cache: .init())
        for i in 0..<fast.count { #expect(abs(fast[i] - slow[i]) < 1e-5) }
    }

    @Test(arguments: [FlowPolicy.Integrator.euler, .heun])
    func flowIntegratorsMatchAStepByStepReference(integrator: FlowPolicy.Integrator) {
        let net = network()
        let policy = FlowPolicy(network: net, settings: .init(steps: 4, integrator: integrator, tMin: 0.01))
        var rng = RandomStream(seed: 3)
        let states = Tensor(rows: 2, cols: 4)
        rng.fillNormal(states)
        var sampler = RandomStream(seed: 4)
        let y = policy.sampleLatents(states: states, count: 2, particles: 3, temperature: 0.5, rng: &sampler).copy()
        // Reference: the same noise, integrated with the training path.
        var again = RandomStream(seed: 4)
        let ref = Tensor(rows: 6, cols: 3)
        again.fillNormal(ref)
        let repeated = Tensor(rows: 6, cols: 4)
        Kernels.repeatRows(states, times: 3, into: repeated)
        let dt: Float = 0.98 / 4
        func v(_ y: Tensor, _ t: Float) -> Tensor {
            let times = Tensor(count: 6)
            times.fill(t)
            return net.forward(states: repeated, latents: y, times: times, temperature: 0.5, cache: .init()).copy()
        }
        for i in 0..<4 {
            let t = 0.01 + dt * Float(i)
            let v0 = v(ref, t)
            if integrator == .euler {
                Kernels.axpy(dt, v0, ref)
            } else {
                let pred = ref.copy()
                Kernels.axpy(dt, v0, pred)
                let v1 = v(pred, t + dt)
                Kernels.axpy(dt / 2, v0, ref)
                Kernels.axpy(dt / 2, v1, ref)
            }
        }
        for i in 0..<y.count { #expect(abs(y[i] - ref[i]) < 1e-4) }
    }

    @Test func noiseSchedules() {
        let vp = NoiseSchedule.vp()
        #expect(abs(vp.alphaBar(1) - exp(-10.05)) < 1e-12)
        #expect(vp.alphaBar(0) == 1)
        for schedule in [NoiseSchedule.vp(), .cosine()] {
            let ab = schedule.discrete(steps: 20)
            #expect(ab.count == 21 && ab[0] == 1)
            #expect(zip(ab, ab.dropFirst()).allSatisfy { $0 > $1 })
            #expect(ab[20] > 0 && ab[20] < 0.01)
        }
    }

    @Test(arguments: [DiffusionPolicy.Sampler.ddpm, .ddim])
    func diffusionTrainingPointsLieOnThePath(sampler: DiffusionPolicy.Sampler) {
        let policy = DiffusionPolicy(network: network(), settings: .init(steps: 10, sampler: sampler))
        var rng = RandomStream(seed: 5)
        let x1 = Tensor(rows: 64, cols: 3)
        rng.fillNormal(x1)
        let p = policy.trainingPoints(endpoints: x1, rng: &rng)
        for r in 0..<64 {
            let i = Int((p.times[r] * 10).rounded())
            #expect((1...10).contains(i))
            #expect(abs(p.alpha[r] * p.alpha[r] + p.beta[r] * p.beta[r] - 1) < 1e-5)
            #expect(abs(p.alpha[r] - policy.alphaBars[i].squareRoot()) < 1e-6)
        }
        let out = policy.sampleLatents(states: Tensor(rows: 2, cols: 4), count: 2, particles: 4, temperature: 0.1, rng: &rng)
        #expect(out.shape == [8, 3] && Kernels.allFinite(out))
    }
}

/// The reverse samplers with the exact noise predictor of Gaussian data `N(m, v)`,
/// `ε*(x) = β(x − α m)/(α²v + β²)`. Every step is then an affine map plus Gaussian noise, so the
/// law of the samples is Gaussian with a mean and variance that a Float64 recursion gives exactly
/// (both samplers fall short of v by their discretisation error, which is what is checked).
@Suite struct DiffusionSamplerTests {
    func exactLaw(_ policy: DiffusionPolicy, m: Double, v: Double) -> (mean: Double, variance: Double) {
        let ab = policy.settings.schedule.discrete(steps: policy.settings.steps)
        var mu = 0.0, variance = 1.0
        for i in stride(from: ab.count - 1, through: 1, by: -1) {
            let a = ab[i].squareRoot(), b = (1 - ab[i]).squareRoot(), k = b / (a * a * v + b * b)
            let slope0 = (1 - b * k) / a, shift0 = b * k * m          // x̂₀ = slope0·x + shift0
            var slope: Double, shift: Double, noise = 0.0
            if policy.settings.sampler == .ddim {
                let ap = ab[i - 1].squareRoot(), bp = (1 - ab[i - 1]).squareRoot()
                slope = ap * slope0 + bp * k
                shift = ap * shift0 - bp * k * a * m
            } else {
                let beta = 1 - ab[i] / ab[i - 1]
                let c0 = ab[i - 1].squareRoot() * beta / (1 - ab[i]), ct = (1 - beta).squareRoot() * (1 - ab[i - 1]) / (1 - ab[i])
                slope = c0 * slope0 + ct
                shift = c0 * shift0
                if i > 1 { noise = beta * (1 - ab[i - 1]) / (1 - ab[i]) }
            }
            mu = slope * mu + shift
            variance = slope * slope * variance + noise
        }
        return (mu, variance)
    }

    @Test(arguments: [DiffusionPolicy.Sampler.ddpm, .ddim], [NoiseSchedule.vp(), .cosine()])
    func exactNoisePredictorRecoversGaussianData(sampler: DiffusionPolicy.Sampler, schedule: NoiseSchedule) {
        var rng = RandomStream(seed: 1)
        let net = PolicyNetwork(stateDim: 0, actionDim: 1, width: 4, blocks: 0, embeddingSize: 4, rng: &rng)
        let policy = DiffusionPolicy(network: net, settings: .init(steps: 100, schedule: schedule, sampler: sampler, squash: false))
        let m: Float = 0.7, v: Float = 0.09, n = 20_000
        let x = Tensor(rows: n, cols: 1), eps = Tensor(rows: n, cols: 1), x0 = Tensor(rows: n, cols: 1), z = Tensor(rows: n, cols: 1)
        rng.fillNormal(x)
        for i in stride(from: 100, through: 1, by: -1) {
            let a = policy.alphaBars[i].squareRoot(), b = (1 - policy.alphaBars[i]).squareRoot()
            Kernels.map(x, into: eps) { b * ($0 - a * m) / (a * a * v + b * b) }
            policy.reverseStep(x, predictedNoise: eps, step: i, scratch: x0, noise: z, rng: &rng)
        }
        let mean = Kernels.sum(x) / Double(n)
        let variance = Kernels.sumOfSquares(x) / Double(n) - mean * mean
        let exact = exactLaw(policy, m: 0.7, v: 0.09)
        #expect(abs(mean - exact.mean) < 0.01, "mean \(mean) vs \(exact.mean)")
        #expect(abs(variance - exact.variance) < 0.004, "variance \(variance) vs \(exact.variance)")
        #expect(abs(exact.variance - 0.09) < 0.02)
    }
}

/// A tiny convergence check: flow and diffusion policies trained by reverse inference on a 2-D
/// Gaussian target learn to sample it. (At the noisiest end of the path the implied endpoints
/// spread far beyond the target and the self-normalised estimate degenerates to its nearest
/// sample, a bias the method carries by design; the margins below keep the check about the
/// machinery: t_min 0.05, K = 128.)
@Suite struct PolicyConvergenceTests {
    func train(_ policy: GenerativePolicy, rule: ControlVariate, updates: Int) -> (mean: [Double], std: [Double]) {
        let energy = QuadraticEnergy(mu: [0.8, -0.5], s: 0.4)
        let estimator = PosteriorEstimator(actionDim: 2, settings: .init(samples: 128, controlVariate: rule, squash: false))
        let learner = PolicyLearner(policy: policy, estimator: estimator, settings: .init(learningRate: 1e-3, maxGradNorm: 10))
        var rng = RandomStream(seed: 9)
        for _ in 0..<updates {
            let endpoints = policy.sampleLatents(states: nil, count: 128, particles: 1, temperature: 1, rng: &rng)
            learner.update(endpoints: endpoints, states: nil, target: energy, temperature: 1, rng: &rng)
        }
        let x = policy.sampleLatents(states: nil, count: 2000, particles: 1, temperature: 1, rng: &rng)
        var mean = [0.0, 0.0], sq = [0.0, 0.0]
        for i in 0..<2000 { for j in 0..<2 { mean[j] += Double(x[i, j]) / 2000; sq[j] += Double(x[i, j] * x[i, j]) / 2000 } }
        return (mean, (0..<2).map { (sq[$0] - mean[$0] * mean[$0]).squareRoot() })
    }

    func network() -> PolicyNetwork {
        var rng = RandomStream(seed: 8)
        return PolicyNetwork(stateDim: 0, actionDim: 2, width: 32, blocks: 1, embeddingSize: 16, rng: &rng)
    }

    @Test func flowLearnsAGaussian() {
        let policy = FlowPolicy(network: network(), settings: .init(steps: 8, tMin: 0.05, squash: false))
        let (mean, std) = train(policy, rule: .paper, updates: 300)
        #expect(abs(mean[0] - 0.8) < 0.1 && abs(mean[1] + 0.5) < 0.1, "mean \(mean) std \(std)")
        #expect(std.allSatisfy { abs($0 - 0.4) < 0.12 }, "std \(std) mean \(mean)")
    }

    @Test func diffusionLearnsAGaussian() {
        let policy = DiffusionPolicy(network: network(), settings: .init(steps: 20, squash: false))
        let (mean, std) = train(policy, rule: .noise, updates: 600)
        #expect(abs(mean[0] - 0.8) < 0.1 && abs(mean[1] + 0.5) < 0.1, "mean \(mean) std \(std)")
        #expect(std.allSatisfy { abs($0 - 0.4) < 0.12 }, "std \(std) mean \(mean)")
    }
}

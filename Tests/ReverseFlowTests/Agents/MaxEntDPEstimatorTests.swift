import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

/// MaxEntDP's two estimators against closed forms.
@Suite struct MaxEntDPEstimatorTests {
    /// Gaussian data `N(μ, diag s²)`: the optimal noise predictor at `x = √ᾱ·a + √(1 − ᾱ)·ε` is
    /// `ε̂ⱼ = √(1 − ᾱ)·(xⱼ − √ᾱ·μⱼ)/(ᾱ·sⱼ² + 1 − ᾱ)`, and the estimate must reproduce the exact
    /// `log N(a; μ, s²)` once the grid is fine, the log-SNR range wide and the noise draws many.
    static let mu: [Float] = [0.2, -0.3], sd: [Float] = [0.25, 0.15]

    static func exactLogDensity(_ a: [Float]) -> Double {
        var lp = 0.0
        for j in 0..<a.count {
            let z = Double((a[j] - mu[j]) / sd[j])
            lp += -0.5 * z * z - Foundation.log(Double(sd[j])) - 0.5 * Foundation.log(2 * Double.pi)
        }
        return lp
    }

    static func gaussianNoisePredictor(_ x: Tensor, _ logSNR: Float, into out: Tensor) -> Tensor {
        let ab = 1 / (1 + Foundation.exp(-logSNR)), a = ab.squareRoot(), b = (1 - ab).squareRoot()
        let d = x.cols
        let scale = (0..<d).map { b / (ab * sd[$0] * sd[$0] + 1 - ab) }, shift = (0..<d).map { a * mu[$0] }
        for r in 0..<x.rows {
            for j in 0..<d { out.data[r * d + j] = scale[j] * (x.data[r * d + j] - shift[j]) }
        }
        return out
    }

    static let points: [[Float]] = [[0.2, -0.3], [0.45, -0.15], [-0.1, -0.5], [0.6, 0.0]]

    func estimates(grid: CosineDiffusionGrid, samples: Int, clip: Bool, seed: UInt64) -> [Double] {
        let estimator = DenoisingLogLikelihood(grid: grid, samples: samples, clipDenoised: clip)
        let actions = Tensor(shape: [Self.points.count, 2], values: Self.points.flatMap { $0 })
        let scratch = Tensor(rows: Self.points.count * samples, cols: 2)
        var rng = RandomStream(seed: seed)
        let lp = estimator.estimate(actions: actions, rng: &rng) { x, logSNR in
            Self.gaussianNoisePredictor(x, logSNR, into: scratch)
        }
        return lp.toArray().map(Double.init)
    }

    @Test func logLikelihoodOfGaussianDataMatchesTheExactDensity() {
        // Log-SNR from about −11.5 to +11.5 (ᾱ reaches the 10⁻⁵ clip at both ends).
        // The right Riemann sum over 2000 points is within 0.01 nats of the integral (computed with
        // exact expectations); the Monte Carlo error of 2000 × 10⁴ draws is about 0.02.
        let grid = CosineDiffusionGrid(steps: 2000, tMin: 1e-4, tMax: CosineDiffusionGrid.defaultTMax(betaMax: 999))
        let got = estimates(grid: grid, samples: 10000, clip: false, seed: 1)
        for (p, g) in zip(Self.points, got) {
            let exact = Self.exactLogDensity(p)
            #expect(abs(g - exact) < 0.08, "log p̂(\(p)) = \(g), exact \(exact)")
        }
        // The points' densities differ by several nats, so a wrong sign, weight or constant shows.
        let spread = Self.points.map(Self.exactLogDensity)
        #expect(spread.max()! - spread.min()! > 3)
    }

    /// With the reference's constants (20 grid points, 50 draws, clipping, t from 10⁻³) the
    /// estimate is coarser but still tracks the density.
    @Test func referenceConstantsTrackTheDensity() {
        let grid = CosineDiffusionGrid(steps: 20, tMin: 1e-3, tMax: CosineDiffusionGrid.defaultTMax(betaMax: 999))
        let got = estimates(grid: grid, samples: 50, clip: true, seed: 2)
        for (p, g) in zip(Self.points, got) {
            let exact = Self.exactLogDensity(p)
            #expect(abs(g - exact) < 1.0, "log p̂(\(p)) = \(g), exact \(exact)")
        }
    }

    @Test func defaultTimeRangeMatchesTheReference() {
        // _cosine_t_max(0.008, 999) and ᾱ at both ends of the grid.
        let tMax = CosineDiffusionGrid.defaultTMax(betaMax: 999)
        #expect(abs(tMax - 0.9979980044931365) < 1e-12, "\(tMax)")
        let grid = CosineDiffusionGrid(steps: 20, tMin: 1e-3, tMax: tMax)
        #expect(grid.alphaBar.count == 20 && grid.alphaBarPrevious[0] < 1 && grid.alphaBarPrevious[0] > 0.9999)
        #expect(grid.alphaBar[19] < 2e-5)
        #expect(zip(grid.alphaBarPrevious.dropFirst(), grid.alphaBar).allSatisfy { $0 == $1 })
    }

    /// Truncated normals stay in their interval and have the closed-form mean
    /// `(φ(a) − φ(b))/(Φ(b) − Φ(a))`, also far in a tail.
    @Test(arguments: [(-1.0, 2.0), (3.0, 4.0), (-12.0, -10.0), (-0.5, 0.5), (5.0, 40.0)])
    func truncatedNormalsHaveTheRightMean(a: Double, b: Double) {
        let n = 40000
        let t = Tensor(count: n), lower = Tensor(count: n), upper = Tensor(count: n)
        lower.fill(Float(a)); upper.fill(Float(b))
        var rng = RandomStream(seed: 5)
        rng.fillTruncatedNormal(t, lower: lower, upper: upper)
        let values = t.toArray()
        #expect(values.allSatisfy { Double($0) >= a && Double($0) <= b })
        func phi(_ x: Double) -> Double { Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        // Tail intervals: the ratio in its stable form, with upper-tail CDFs taken as lower-tail ones.
        let mass = a >= 0 ? cdf(-a) - cdf(-b) : cdf(b) - cdf(a)
        let mean = (phi(a) - phi(b)) / mass
        let got = values.reduce(0.0) { $0 + Double($1) } / Double(n)
        // The truncated variance is below 1, so 5/√n bounds the sampling error.
        #expect(abs(got - mean) < 5 / Double(n).squareRoot() + 1e-3, "mean \(got), expected \(mean)")
    }

    /// With a critic that cannot tell actions apart the weights are uniform and the target is the
    /// negated mean of the truncated noises: inside the box at the centre it is ≈ 0, and near a
    /// face of the box it points away from that face by the truncated mean.
    @Test func noiseTargetWithAFlatCriticIsTheNegatedTruncatedMean() {
        var rng = RandomStream(seed: 6)
        let critic = TwinCritic(stateDim: 1, actionDim: 1, settings: .init(hidden: [4], learningRate: 1e-3, maxGradNorm: nil,
                                                                           discount: 0.99, tau: 0.005), rng: &rng)
        for net in critic.target { for t in ParameterList(net).tensors { t.fill(0) } }
        let estimator = TruncatedNoiseTarget(samples: 20000)
        let states = Tensor(rows: 2, cols: 1)
        let ab: Float = 0.5
        let a1 = Tensor(count: 2), a2 = Tensor(count: 2)
        a1.fill(ab.squareRoot()); a2.fill((1 - ab).squareRoot())
        // Rows: x_t at 0 (symmetric interval) and at √ᾱ·0.9 + 0 (clean candidates cut at 1 just above).
        let xt = Tensor(shape: [2, 1], values: [0, ab.squareRoot() * 0.9])
        let out = estimator.estimate(critic: critic, states: states, xt: xt, alpha1: a1, alpha2: a2, temperature: 0.1, rng: &rng)
        #expect(abs(out.noise[0, 0]) < 0.02)
        // Bounds of ε̃ for row 1: [−x/α₂ − α₁/α₂, −x/α₂ + α₁/α₂] with α₁ = α₂: [−1.9, 0.1].
        let lo = -1.9, hi = 0.1
        func phi(_ x: Double) -> Double { Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        let truncatedMean = (phi(lo) - phi(hi)) / (cdf(hi) - cdf(lo))
        #expect(abs(Double(out.noise[1, 0]) + truncatedMean) < 0.03, "\(out.noise[1, 0]) vs \(-truncatedMean)")
        #expect(abs(out.ess / 20000 - 1) < 1e-3)
    }
}

import Foundation
import ReverseFlow
import Testing
import TensorCore

/// `Q(a) = −‖a − μ‖²/(2s²)` with λ = 1 and no squashing: the target is `N(μ, s²I)` and the
/// posterior of y₁ given `y_t = α y₁ + β y₀` is Gaussian with precision `1/s² + α²/β²` and mean
/// `(μ/s² + α·y_t/β²) / (1/s² + α²/β²)`, the closed form every estimator must reproduce.
final class QuadraticEnergy: ActionValue {
    let mu: [Float], s: Float
    init(mu: [Float], s: Float) { self.mu = mu; self.s = s }
    var actionDim: Int { mu.count }

    func evaluate(conditions: Tensor?, actions: Tensor, values: Tensor, gradients: Tensor?) {
        for n in 0..<actions.rows {
            var q: Float = 0
            for j in 0..<mu.count {
                let diff = actions[n, j] - mu[j]
                q -= diff * diff / (2 * s * s)
                gradients?[n, j] = -diff / (s * s)
            }
            values[n] = q
        }
    }
}

@Suite struct GaussianPosteriorTests {
    let energy = QuadraticEnergy(mu: [0.5, -0.3], s: 0.5)
    let yt: [Float] = [0.2, 0.4]

    func exactMean(t: Float) -> [Double] {
        let a = Double(t), b = 1 - Double(t), s2 = Double(energy.s * energy.s)
        let precision = 1 / s2 + a * a / (b * b)
        return (0..<2).map { (Double(energy.mu[$0]) / s2 + a * Double(yt[$0]) / (b * b)) / precision }
    }

    /// R independent repetitions as R rows of one batched call; returns per-dimension mean and variance of ŷ₁.
    func repeatEstimate(_ rule: ControlVariate, t: Float, repetitions: Int = 2000, samples: Int = 64, seed: UInt64 = 1) -> (mean: [Double], variance: [Double]) {
        let estimator = PosteriorEstimator(actionDim: 2, settings: .init(samples: samples, controlVariate: rule, squash: false))
        var rng = RandomStream(seed: seed)
        let noise = estimator.drawNoise(rows: repetitions, rng: &rng)
        let ytRows = Tensor(rows: repetitions, cols: 2)
        Kernels.broadcastRow(Tensor(shape: [2], values: yt), into: ytRows)
        let alpha = Tensor(count: repetitions), beta = Tensor(count: repetitions)
        alpha.fill(t); beta.fill(1 - t)
        let r = estimator.estimate(target: energy, conditions: nil, yt: ytRows, alpha: alpha, beta: beta, temperature: 1, noise: noise)
        var mean = [0.0, 0.0], sq = [0.0, 0.0]
        for i in 0..<repetitions { for j in 0..<2 { mean[j] += Double(r.y1[i, j]); sq[j] += Double(r.y1[i, j]) * Double(r.y1[i, j]) } }
        let n = Double(repetitions)
        return ((0..<2).map { mean[$0] / n }, (0..<2).map { sq[$0] / n - (mean[$0] / n) * (mean[$0] / n) })
    }

    @Test(arguments: [Float(0.3), 0.7])
    func everyEstimatorMatchesTheExactPosteriorMean(t: Float) {
        let exact = exactMean(t: t)
        for rule in [ControlVariate.noise, .gradient, .fixed(0.05), .paper] {
            let (mean, variance) = repeatEstimate(rule, t: t)
            for j in 0..<2 {
                // Monte-Carlo error of the mean over 2000 repetitions plus the O(1/K) bias of self-normalisation.
                let tolerance = 4 * (variance[j] / 2000).squareRoot() + 0.01
                #expect(abs(mean[j] - exact[j]) < tolerance, "\(rule.name) t=\(t) dim \(j): \(mean[j]) vs \(exact[j])")
            }
        }
    }

    @Test(arguments: [Float(0.3), 0.7])
    func optimalCoefficientHasTheSmallestVariance(t: Float) {
        let optimal = repeatEstimate(.paper, t: t).variance
        let noise = repeatEstimate(.noise, t: t).variance
        let gradient = repeatEstimate(.gradient, t: t).variance
        for j in 0..<2 {
            #expect(optimal[j] <= noise[j], "t=\(t) dim \(j): optimal \(optimal[j]) vs noise \(noise[j])")
            #expect(optimal[j] <= gradient[j], "t=\(t) dim \(j): optimal \(optimal[j]) vs gradient \(gradient[j])")
        }
        // On a Gaussian target the score is linear in y₁, so the fitted coefficient cancels the
        // sampling noise almost completely.
        #expect(optimal.allSatisfy { $0 < 1e-6 }, "\(optimal)")
    }
}

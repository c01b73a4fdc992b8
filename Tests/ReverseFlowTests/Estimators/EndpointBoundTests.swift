import Foundation
import Experiments
import ReverseFlow
import Testing
import TensorCore

/// The estimator's optional endpoint box (`endpointBound`), checked on the two-moons mixture,
/// whose posterior mean is known in closed form: for `y_t = α y₁ + β y₀` and components
/// `N(c_m, σ²I)`, component m has weight `∝ exp(−‖y_t − α c_m‖²/2(β² + α²σ²))` and posterior mean
/// `(c_m/σ² + α y_t/β²)/(1/σ² + α²/β²)`.
@Suite struct EndpointBoundTests {
    let target = TwoMoons()

    func exactPosteriorMean(yt: (Double, Double), alpha a: Double, beta b: Double) -> (Double, Double) {
        let s2 = Double(target.sigma * target.sigma)
        let precision = 1 / s2 + a * a / (b * b), spread = b * b + a * a * s2
        var logW: [Double] = [], means: [(Double, Double)] = []
        for m in 0..<target.centres.rows {
            let c = (Double(target.centres[m, 0]), Double(target.centres[m, 1]))
            let dx = yt.0 - a * c.0, dy = yt.1 - a * c.1
            logW.append(-(dx * dx + dy * dy) / (2 * spread))
            means.append(((c.0 / s2 + a * yt.0 / (b * b)) / precision, (c.1 / s2 + a * yt.1 / (b * b)) / precision))
        }
        let top = logW.max()!
        let w = logW.map { exp($0 - top) }, total = w.reduce(0, +)
        return (zip(w, means).map { $0 * $1.0 }.reduce(0, +) / total, zip(w, means).map { $0 * $1.1 }.reduce(0, +) / total)
    }

    /// Rows at small t (wide proposals, ESS near one) through target samples; the same noise
    /// for the bounded and the unbounded estimator.
    func estimates(t: Float, rows: Int, bound: Float) -> (free: [Float], bounded: [Float], bounded0: [Float], yt: Tensor) {
        var rng = RandomStream(seed: 7)
        let y1 = target.sample(count: rows, rng: &rng)
        let y0 = Tensor(rows: rows, cols: 2)
        rng.fillNormal(y0)
        let yt = Tensor(rows: rows, cols: 2)
        Kernels.blend(yt, 0, y1, t)
        Kernels.axpy(1 - t, y0, yt)
        let alpha = Tensor(count: rows), beta = Tensor(count: rows)
        alpha.fill(t); beta.fill(1 - t)
        func run(_ b: Float?) -> ([Float], [Float]) {
            let e = PosteriorEstimator(actionDim: 2, settings: .init(samples: 100, controlVariate: .paper, squash: false, endpointBound: b))
            var noiseRNG = RandomStream(seed: 11)
            let noise = e.drawNoise(rows: rows, rng: &noiseRNG)
            let r = e.estimate(target: target, conditions: nil, yt: yt, alpha: alpha, beta: beta, temperature: 1, noise: noise)
            return (r.y1.toArray(), r.y0.toArray())
        }
        let free = run(nil).0, (bounded, bounded0) = run(bound)
        return (free, bounded, bounded0, yt)
    }

    @Test func theBoundIsAProjectionAndKeepsThePathConsistent() {
        let t: Float = 0.02, bound: Float = 3
        let (free, bounded, bounded0, yt) = estimates(t: t, rows: 256, bound: bound)
        #expect(free.contains { abs($0) > bound }, "the test needs estimates outside the box at this t")
        for i in 0..<free.count {
            #expect(bounded[i] == min(max(free[i], -bound), bound))
            // y_t = α ŷ₁ + β ŷ₀ still holds for the projected endpoint.
            let reconstructed = t * bounded[i] + (1 - t) * bounded0[i]
            #expect(abs(reconstructed - yt.data[i]) <= 1e-4 * max(1, abs(yt.data[i])))
        }
    }

    @Test(arguments: [Float(0.02), 0.1, 0.5])
    func theBoundNeverMovesAnEstimateAwayFromTheExactPosteriorMean(t: Float) {
        let rows = 256
        let (free, bounded, _, yt) = estimates(t: t, rows: rows, bound: 3)
        var freeError = 0.0, boundedError = 0.0
        for i in 0..<rows {
            let exact = exactPosteriorMean(yt: (Double(yt[i, 0]), Double(yt[i, 1])), alpha: Double(t), beta: Double(1 - t))
            for (j, e) in [exact.0, exact.1].enumerated() {
                #expect(abs(e) < 3, "the exact posterior mean lies in the box")
                let f = abs(Double(free[2 * i + j]) - e), b = abs(Double(bounded[2 * i + j]) - e)
                #expect(b <= f + 1e-6)
                freeError += f * f; boundedError += b * b
            }
        }
        if t <= 0.02 { #expect(boundedError < 0.5 * freeError, "at small t the box removes most of the error: \(boundedError) vs \(freeError)") }
    }
}

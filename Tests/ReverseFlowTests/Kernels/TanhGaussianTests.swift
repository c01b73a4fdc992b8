import Foundation
import ReverseFlow
import Testing
import TensorCore

/// SAC's fused kernels against finite differences of `L = mean_b(α·log π − g·a)` (a linear Q).
@Suite struct TanhGaussianTests {
    @Test func backwardMatchesFiniteDifferences() {
        let b = 3, d = 2, alpha: Float = 0.7
        var rng = RandomStream(seed: 4)
        let out = Tensor(rows: b, cols: 2 * d), noise = Tensor(rows: b, cols: d), g = Tensor(rows: b, cols: d)
        // Moderate u = μ + σε: near |a| = 1 a Float32 finite difference cannot resolve 1 − a².
        rng.fillNormal(out, std: 0.5); rng.fillNormal(noise, std: 0.4); rng.fillNormal(g)
        out[0, d] = -30  // below the clip: its log σ gradient must be zero
        let range: ClosedRange<Float> = -20...2
        let actions = Tensor(rows: b, cols: d), std = Tensor(rows: b, cols: d), inside = Tensor(rows: b, cols: d)
        let logProbs = Tensor(rows: b, cols: 1)
        func loss() -> Double {
            Kernels.tanhGaussianSample(out, noise: noise, logStdRange: range, actions: actions, std: std, insideClip: inside, logProbs: logProbs)
            var s = 0.0
            for i in 0..<b {
                s += Double(alpha) * Double(logProbs[i])
                for j in 0..<d { s -= Double(g[i, j]) * Double(actions[i, j]) }
            }
            return s / Double(b)
        }
        _ = loss()
        let grad = Tensor(rows: b, cols: 2 * d)
        Kernels.tanhGaussianBackward(actionGradient: g, actions: actions, std: std, noise: noise, insideClip: inside, alpha: alpha, into: grad)
        let analytic = grad.toArray()
        for k in 0..<out.count {
            let keep = out[k], h: Float = 1e-3
            out[k] = keep + h; let up = loss()
            out[k] = keep - h; let down = loss()
            out[k] = keep
            #expect(abs((up - down) / (2 * Double(h)) - Double(analytic[k])) < 2e-3, "entry \(k): numeric \((up - down) / (2 * Double(h))) analytic \(analytic[k])")
        }
        #expect(analytic[d] == 0)
    }

    @Test("The tanh log-Jacobian split over two workers gives one worker's numbers and the formula's")
    func logJacobianSplitIsExact() {
        let n = 5_003
        let y = Tensor(shape: [n], values: (0..<n).map { Float(sin(Double($0) * 0.37)) * Float($0 % 40) })
        func run(_ workers: Int) -> [Float] {
            Parallel.withWorkers(workers) {
                let out = Tensor(count: n)
                Kernels.tanhLogJacobian(y, into: out)
                return out.toArray()
            }
        }
        let one = run(1), two = run(2)
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
        let expected = y.toArray().map { v -> Float in
            let a = abs(v)
            return -2 * (a + Foundation.log1p(Foundation.exp(-2 * a)) - Float(M_LN2))
        }
        #expect(one.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}

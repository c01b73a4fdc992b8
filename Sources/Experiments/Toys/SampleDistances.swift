import Foundation
import ReverseFlow
import TensorCore

/// Distances between two sample sets in ℝᵈ (rows of `[n, d]` tensors), the toy experiment's
/// figures of merit. All in Float64; lower is better for each.
public enum SampleDistances {
    /// Sliced 2-Wasserstein distance `SW₂ = √(mean_θ W₂²(θᵀX, θᵀY))` over `projections` random
    /// unit directions θ; each one-dimensional W₂² compares sorted projections (equal set sizes).
    public static func slicedWasserstein(_ x: Tensor, _ y: Tensor, projections: Int = 256, rng: inout RandomStream) -> Double {
        precondition(x.rows == y.rows && x.cols == y.cols, "slicedWasserstein: sets of \(x.shape) and \(y.shape)")
        let n = x.rows, d = x.cols
        let directions = Tensor(rows: projections, cols: d)
        rng.fillNormal(directions)
        var total = 0.0
        var px = [Double](repeating: 0, count: n), py = px
        for p in 0..<projections {
            var norm = 0.0
            for j in 0..<d { norm += Double(directions[p, j]) * Double(directions[p, j]) }
            norm = norm.squareRoot()
            for i in 0..<n {
                var a = 0.0, b = 0.0
                for j in 0..<d {
                    a += Double(x[i, j]) * Double(directions[p, j])
                    b += Double(y[i, j]) * Double(directions[p, j])
                }
                px[i] = a / norm
                py[i] = b / norm
            }
            px.sort()
            py.sort()
            for i in 0..<n { total += (px[i] - py[i]) * (px[i] - py[i]) }
        }
        return (total / Double(projections * n)).squareRoot()
    }

    /// The bandwidths of ``mmdSquared(_:_:bandwidths:)``'s default kernel.
    public static let defaultBandwidths = [0.05, 0.1, 0.2, 0.5, 1.0]

    /// Unbiased estimate of the squared maximum mean discrepancy with the kernel
    /// `k(a, b) = Σ_h exp(−‖a − b‖²/2h²)` (a sum of Gaussian kernels over `bandwidths`).
    /// Being unbiased it can fall slightly below zero when the sets share a law.
    public static func mmdSquared(_ x: Tensor, _ y: Tensor, bandwidths: [Double] = defaultBandwidths) -> Double {
        precondition(x.cols == y.cols && x.rows > 1 && y.rows > 1, "mmdSquared: sets of \(x.shape) and \(y.shape)")
        let scales = bandwidths.map { -1 / (2 * $0 * $0) }
        func kernelSum(_ a: Tensor, _ b: Tensor, sameSet: Bool) -> Double {
            var s = 0.0
            for i in 0..<a.rows {
                for j in (sameSet ? i + 1 : 0)..<b.rows {
                    var d2 = 0.0
                    for c in 0..<a.cols { let diff = Double(a[i, c]) - Double(b[j, c]); d2 += diff * diff }
                    for scale in scales { s += Foundation.exp(scale * d2) }
                }
            }
            return sameSet ? 2 * s : s
        }
        let n = Double(x.rows), m = Double(y.rows)
        return kernelSum(x, x, sameSet: true) / (n * (n - 1)) + kernelSum(y, y, sameSet: true) / (m * (m - 1))
            - 2 * kernelSum(x, y, sameSet: false) / (n * m)
    }

    /// The Sinkhorn distance (Cuturi, 2013): the transport cost `⟨P, C⟩` of the entropy-regularised
    /// optimal plan between the uniform laws on the two sets, with squared Euclidean cost `C` and
    /// regularisation ε. Log-domain iterations until the marginals are within `tolerance`.
    public static func sinkhorn(_ x: Tensor, _ y: Tensor, epsilon: Double = 0.01, tolerance: Double = 1e-6,
                                maxIterations: Int = 2000) -> Double {
        precondition(x.cols == y.cols, "sinkhorn: sets of \(x.shape) and \(y.shape)")
        let n = x.rows, m = y.rows
        var cost = [Double](repeating: 0, count: n * m)
        for i in 0..<n {
            for j in 0..<m {
                var d2 = 0.0
                for c in 0..<x.cols { let diff = Double(x[i, c]) - Double(y[j, c]); d2 += diff * diff }
                cost[i * m + j] = d2
            }
        }
        let logA = -Foundation.log(Double(n)), logB = -Foundation.log(Double(m))
        var f = [Double](repeating: 0, count: n), g = [Double](repeating: 0, count: m)
        var column = [Double](repeating: 0, count: n)
        // Potentials f, g with plan P_ij = exp((f_i + g_j − C_ij)/ε).
        for _ in 0..<maxIterations {
            for i in 0..<n {
                var top = -Double.infinity
                for j in 0..<m { top = max(top, (g[j] - cost[i * m + j]) / epsilon) }
                var s = 0.0
                for j in 0..<m { s += Foundation.exp((g[j] - cost[i * m + j]) / epsilon - top) }
                f[i] = epsilon * (logA - top - Foundation.log(s))
            }
            var worst = 0.0
            for j in 0..<m {
                var top = -Double.infinity
                for i in 0..<n { column[i] = (f[i] - cost[i * m + j]) / epsilon; top = max(top, column[i]) }
                var s = 0.0
                for i in 0..<n { s += Foundation.exp(column[i] - top) }
                let newG = epsilon * (logB - top - Foundation.log(s))
                // The column marginal before this update: exp(logB)·exp((g − newG)/ε).
                worst = max(worst, abs(Foundation.exp(logB + (g[j] - newG) / epsilon) - Foundation.exp(logB)))
                g[j] = newG
            }
            if worst < tolerance { break }
        }
        var total = 0.0
        for i in 0..<n {
            for j in 0..<m { total += Foundation.exp((f[i] + g[j] - cost[i * m + j]) / epsilon) * cost[i * m + j] }
        }
        return total
    }
}

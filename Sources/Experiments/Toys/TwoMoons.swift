import Foundation
import ReverseFlow
import TensorCore

/// The two-moons Boltzmann target of the paper's toy experiment: a mixture of 200 isotropic
/// Gaussians (σ = 0.1) on two interleaved half circles, `Q(x) = log p(x)` and λ = 1, on ℝ².
///
/// Centres: θ evenly spaced over [0, π] (ends included), 100 points `(cos θ, sin θ)` and 100
/// points `(1 − cos θ, 0.5 − sin θ)`, all shifted by (−0.5, −0.25).
///
///     log p(x) = logsumexp_m(−‖x − c_m‖²/2σ²) − log 200 − log 2πσ²
///     ∇ log p(x) = (Σ_m r_m(x)·c_m − x)/σ²,   r(x) = softmax_m(−‖x − c_m‖²/2σ²)
///
/// Both are computed for a batch with one GEMM against the centres.
public final class TwoMoons: ActionValue {
    /// Component standard deviation.
    public let sigma: Float = 0.1
    /// The 200 centres `[200, 2]`.
    public let centres: Tensor
    private let centreHalfNorms: Tensor
    private let workspace = Workspace()

    public var actionDim: Int { 2 }

    public init() {
        let perMoon = 100
        centres = Tensor(rows: 2 * perMoon, cols: 2)
        for i in 0..<perMoon {
            let theta = Double.pi * Double(i) / Double(perMoon - 1)
            centres[i, 0] = Float(cos(theta) - 0.5)
            centres[i, 1] = Float(sin(theta) - 0.25)
            centres[perMoon + i, 0] = Float(1 - cos(theta) - 0.5)
            centres[perMoon + i, 1] = Float(0.5 - sin(theta) - 0.25)
        }
        centreHalfNorms = Tensor(count: 2 * perMoon)
        let s2 = sigma * sigma
        for m in 0..<centres.rows {
            centreHalfNorms[m] = -(centres[m, 0] * centres[m, 0] + centres[m, 1] * centres[m, 1]) / (2 * s2)
        }
    }

    public func evaluate(conditions: Tensor?, actions x: Tensor, values: Tensor, gradients: Tensor?) {
        let n = x.rows, m = centres.rows, s2 = sigma * sigma
        precondition(x.cols == 2 && values.count == n, "TwoMoons.evaluate: actions \(x.shape), values \(values.shape)")
        workspace.reset()
        // logits[n, m] = −‖x − c_m‖²/2σ² = (x·c_m)/σ² − ‖c_m‖²/2σ² − ‖x‖²/2σ².
        let logits = workspace.matrix(n, m)
        Kernels.gemm(x, .none, centres, .transposed, into: logits, alpha: 1 / s2)
        Kernels.addRowVector(centreHalfNorms, to: logits)
        let squared = workspace.matrix(n, 2), halfNorms = workspace.vector(n)
        Kernels.multiply(x, x, into: squared)
        Kernels.sumRows(squared, into: halfNorms)
        Kernels.scale(halfNorms, by: -1 / (2 * s2), into: halfNorms)
        Kernels.addColumnVector(halfNorms, to: logits)
        Kernels.logSumExpRows(logits, into: values)
        let normaliser = Foundation.log(Float(m)) + Foundation.log(2 * Float.pi * s2)
        Kernels.map(values, into: values) { $0 - normaliser }
        guard let gradients else { return }
        Kernels.softmaxRows(logits, into: logits)
        Kernels.gemm(logits, .none, centres, .none, into: gradients)
        Kernels.subtract(gradients, x, into: gradients)
        Kernels.scale(gradients, by: 1 / s2, into: gradients)
    }

    /// Exact samples `[count, 2]`: a uniformly chosen centre plus `N(0, σ²I)`.
    public func sample(count: Int, rng: inout RandomStream) -> Tensor {
        let out = Tensor(rows: count, cols: 2)
        rng.fillNormal(out, std: sigma)
        for i in 0..<count {
            let c = rng.integer(below: centres.rows)
            out[i, 0] += centres[c, 0]
            out[i, 1] += centres[c, 1]
        }
        return out
    }

    /// The density `p(x)` at each row of `points` `[n, 2]` (for pictures).
    public func density(_ points: Tensor) -> [Float] {
        let values = Tensor(rows: points.rows, cols: 1)
        evaluate(conditions: nil, actions: points, values: values, gradients: nil)
        return values.toArray().map { Foundation.exp($0) }
    }
}

import Foundation
import TensorCore

/// The sinusoidal embedding of a scalar (time t or temperature λ), as the reference defines it:
///
///     fᵢ = exp(−i · ln(P) / (h − 1)),  i = 0 … h − 1,  h = size / 2,  P = maxPeriod (1000)
///     emb(x) = [sin(x·f₀), …, sin(x·f_{h−1}), cos(x·f₀), …, cos(x·f_{h−1})]
///
/// The frequencies are computed in Float32 in the same order of operations as the reference so
/// the embedding matches it to rounding. Shapes: `x` `[n]` (one scalar per row), output `[n, size]`.
public struct SinusoidalEmbedding: Sendable {
    /// Output width (128 in the paper preset).
    public let size: Int
    /// The `size / 2` frequencies.
    public let frequencies: [Float]
    /// The same as a tensor, on the device current when the embedding was made (the kernels'
    /// operand).
    public let frequencyTable: Tensor

    /// `maxPeriod` is 1000 for the flow and diffusion networks (`ScoreMLP`), 10000 for QVPO's.
    public init(size: Int = 128, maxPeriod: Float = 1000) {
        precondition(size >= 4 && size % 2 == 0, "SinusoidalEmbedding: size must be even and ≥ 4, got \(size)")
        self.size = size
        let half = size / 2
        let step = Foundation.log(maxPeriod) / Float(half - 1)
        frequencies = (0..<half).map { Foundation.exp(-step * Float($0)) }
        frequencyTable = Tensor(shape: [half], values: frequencies).copy(to: Devices.current)
    }

    /// Writes `emb(x[r])` into row `r` of `out` `[x.count, size]`.
    public func forward(_ x: Tensor, into out: Tensor) {
        precondition(out.rows == x.count && out.cols == size, "SinusoidalEmbedding: output \(out.shape) for \(x.count) inputs")
        Kernels.sinusoidalEmbedding(x, frequencies: frequencyTable, into: out)
    }

    /// `dx[r] ← Σⱼ dOut[r, j]·∂emb(x[r])ⱼ/∂x`, with `∂sin(xf)/∂x = f·cos(xf)` and
    /// `∂cos(xf)/∂x = −f·sin(xf)`. The embedding has no parameters, so this is its whole backward.
    public func backward(_ dOut: Tensor, input x: Tensor, into dx: Tensor) {
        precondition(dOut.rows == x.count && dOut.cols == size && dx.count == x.count,
                     "SinusoidalEmbedding.backward: shapes \(dOut.shape), \(x.shape), \(dx.shape)")
        Kernels.requireHost("SinusoidalEmbedding.backward", dOut, x, dx)
        let half = size / 2
        for r in 0..<x.count {
            let g = dOut.data + r * size
            var s: Float = 0
            for i in 0..<half {
                let f = frequencies[i], a = x.data[r] * f
                s += g[i] * f * Foundation.cos(a) - g[half + i] * f * Foundation.sin(a)
            }
            dx.data[r] = s
        }
    }
}

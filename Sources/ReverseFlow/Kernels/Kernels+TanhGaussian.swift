import Foundation
import TensorCore

/// The tanh-squashed Gaussian of SAC's actor, as fused elementwise kernels (a device runs the
/// kernels of the same name through TensorCore's generic named launch).
extension Kernels {
    /// Samples `a = tanh(μ + σ·ε)` from the actor's output `[B, 2d]` = `(μ | raw log σ)` and the
    /// normals `noise` `[B, d]`, with `log σ = clip(raw, lo, hi)`. Writes the actions, `σ`, the
    /// clip mask (1 where `raw` is inside the bounds, so gradients pass), and
    /// `log π(a|s) = Σⱼ[−½εⱼ² − log σⱼ − ½ log 2π − log(1 − aⱼ² + 10⁻⁶)]` `[B, 1]`.
    @inlinable public static func tanhGaussianSample(_ out: Tensor, noise: Tensor, logStdRange: ClosedRange<Float>,
                                                     actions: Tensor, std: Tensor, insideClip: Tensor, logProbs: Tensor) {
        let b = noise.rows, d = noise.cols
        precondition(out.rows == b && out.cols == 2 * d && logProbs.count == b, "tanhGaussianSample: shapes \(out.shape), \(noise.shape)")
        precondition(actions.sameShape(noise) && std.sameShape(noise) && insideClip.sameShape(noise), "tanhGaussianSample: output shapes")
        let halfLog2Pi = 0.5 * Foundation.log(2 * Float.pi)
        let dev = device("tanhGaussianSample", out, noise, actions, std, insideClip)
        if logProbs.device !== dev { mixedLocations("tanhGaussianSample", dev, logProbs.device) }
        if let dev {
            dev.launch("rfm_tanh_gaussian_sample", elements: b, .pointer(out.data), .pointer(noise.data), .float(logStdRange.lowerBound),
                       .float(logStdRange.upperBound), .float(halfLog2Pi), .pointer(actions.data), .pointer(std.data),
                       .pointer(insideClip.data), .pointer(logProbs.data), .int(b), .int(d))
            return
        }
        for i in 0..<b {
            var total: Float = 0
            for j in 0..<d {
                let mu = out[i, j], raw = out[i, d + j]
                let logStd = min(max(raw, logStdRange.lowerBound), logStdRange.upperBound)
                insideClip[i, j] = logStdRange.contains(raw) ? 1 : 0
                let sigma = Foundation.exp(logStd), e = noise[i, j]
                let a = Foundation.tanh(mu + sigma * e)
                std[i, j] = sigma
                actions[i, j] = a
                total += -0.5 * e * e - logStd - halfLog2Pi - Foundation.log(1 - a * a + 1e-6)
            }
            logProbs[i] = total
        }
    }

    /// Gradient of `L = mean_b(α·log π − Q(s, a))` with respect to the actor's output `(μ | raw log σ)`,
    /// given `∂Q/∂a` and the sample's tensors from ``tanhGaussianSample``. With `u = μ + σε`:
    /// `∂L/∂a = (−∂Q/∂a + α·2a/(1 − a² + 10⁻⁶))/B`, `∂L/∂u = ∂L/∂a·(1 − a²)`, `∂L/∂μ = ∂L/∂u`,
    /// `∂L/∂log σ = (∂L/∂u·σε − α/B)` where the clip lets it through, else 0.
    @inlinable public static func tanhGaussianBackward(actionGradient dQ: Tensor, actions: Tensor, std: Tensor, noise: Tensor,
                                                       insideClip: Tensor, alpha: Float, into dOut: Tensor) {
        let b = actions.rows, d = actions.cols, inv = 1 / Float(b)
        precondition(dOut.rows == b && dOut.cols == 2 * d, "tanhGaussianBackward: output \(dOut.shape)")
        let dev = device("tanhGaussianBackward", dQ, actions, std, noise, insideClip)
        if dOut.device !== dev { mixedLocations("tanhGaussianBackward", dev, dOut.device) }
        if let dev {
            dev.launch("rfm_tanh_gaussian_backward", elements: b * d, .pointer(dQ.data), .pointer(actions.data), .pointer(std.data),
                       .pointer(noise.data), .pointer(insideClip.data), .float(alpha), .pointer(dOut.data), .int(b), .int(d))
            return
        }
        for i in 0..<b {
            for j in 0..<d {
                let a = actions[i, j]
                let dA = -dQ[i, j] * inv + alpha * inv * 2 * a / (1 - a * a + 1e-6)
                let dU = dA * (1 - a * a)
                dOut[i, j] = dU
                dOut[i, d + j] = (dU * std[i, j] * noise[i, j] - alpha * inv) * insideClip[i, j]
            }
        }
    }
}

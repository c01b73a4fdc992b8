import Foundation

extension RandomStream {
    /// Fills `t` with independent standard normals truncated to `[lower[i], upper[i]]` (tensors of
    /// t's size), by the inverse CDF: `x = Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a)))`, one uniform per element.
    ///
    /// The arithmetic is in Float64, on the side of zero where Φ is small (an interval above zero
    /// is mirrored), so intervals far in a tail keep their relative precision. Where the
    /// interval's mass underflows even so, the element falls back to a normal clipped to the
    /// interval (what the MaxEntDP reference does when its sampler returns NaN).
    ///
    /// On a device the bounds are brought to the host and the draws sent back: the sampler's
    /// data-dependent fallback draws extra numbers in sequence, which a GPU kernel cannot
    /// reproduce, so this one step crosses to the host (the CPU's numbers, exactly).
    public mutating func fillTruncatedNormal(_ t: Tensor, lower: Tensor, upper: Tensor) {
        precondition(lower.count == t.count && upper.count == t.count,
                     "fillTruncatedNormal: \(t.count) values, bounds \(lower.count) and \(upper.count)")
        if t.onDevice || lower.onDevice || upper.onDevice {
            let host = Tensor(rows: t.rows, cols: t.cols, on: nil)
            fillTruncatedNormal(host, lower: lower.onDevice ? lower.copy(to: nil) : lower, upper: upper.onDevice ? upper.copy(to: nil) : upper)
            t.assign(host)
            return
        }
        let n = t.count, p = t.data
        var i = 0
        while i < n {
            let b = nextBlock()
            let words = SIMD4<UInt32>(b.0, b.1, b.2, b.3)
            for k in 0..<min(4, n - i) {
                // A uniform strictly inside (0, 1).
                let u = (Double(words[k] >> 8) + 0.5) * 0x1p-24
                let lo = Double(lower.data[i + k]), hi = Double(upper.data[i + k])
                var x = truncatedNormalQuantile(lo, hi, u)
                if !x.isFinite {
                    // Box–Muller from this element's word and a fresh one, then clip.
                    let z = boxMuller(words[k], nextBlock().0).0
                    x = min(max(Double(z), lo), hi)
                }
                p[i + k] = Float(min(max(x, lo), hi))
            }
            i += 4
        }
    }
}

/// `Φ(x)`, the standard normal CDF, accurate in relative terms far into the lower tail.
@inline(__always) func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// `Φ⁻¹(p)` for `p ∈ (0, 1)`: the Abramowitz–Stegun 26.2.23 start (error < 4.5e-4) refined by
/// two Halley steps on `Φ(x) − p` (cubic convergence, so to Float64 rounding).
func normalQuantile(_ p: Double) -> Double {
    let q = min(p, 1 - p)
    let t = (-2 * Foundation.log(q)).squareRoot()
    var x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
    if p < 0.5 { x = -x }
    for _ in 0..<2 {
        let e = normalCDF(x) - p
        let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
    }
    return x
}

/// The `u`-quantile of N(0, 1) truncated to `[a, b]`; NaN or ±∞ when the interval's mass underflows.
func truncatedNormalQuantile(_ a: Double, _ b: Double, _ u: Double) -> Double {
    // Work where the interval's CDF values are smallest: mirror an interval above zero.
    if a > 0 { return -truncatedNormalQuantile(-b, -a, 1 - u) }
    let fa = normalCDF(a), fb = normalCDF(b)
    let mass = fb - fa
    guard mass > 0 else { return .nan }
    return normalQuantile(fa + u * mass)
}

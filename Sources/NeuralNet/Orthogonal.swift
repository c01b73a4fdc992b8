import TensorCore

/// Orthogonal initialisation (Saxe et al., 2014) as Flax's `orthogonal(scale)` defines it.
///
/// For a kernel `[n_in, n_out]`: draw a standard normal matrix of shape `[max, min]`, take its QR
/// factorisation, multiply each column of Q by the sign of R's diagonal (so the law is Haar), and
/// transpose when `n_in < n_out`. The result has orthonormal columns (`n_in ≥ n_out`) or rows,
/// times `gain`. The factorisation runs in Float64 (modified Gram–Schmidt, applied twice for
/// orthogonality to rounding) and is rounded to Float32 at the end. A kernel on a device is
/// computed on the host and copied there.
public func fillOrthogonal(_ kernel: Tensor, gain: Float, rng: inout RandomStream) {
    if kernel.device != nil {
        let host = Tensor(rows: kernel.rows, cols: kernel.cols, on: nil)
        fillOrthogonal(host, gain: gain, rng: &rng)
        kernel.assign(host)
        return
    }
    let nIn = kernel.rows, nOut = kernel.cols
    let tall = max(nIn, nOut), wide = min(nIn, nOut)
    let g = Tensor(rows: tall, cols: wide, on: nil)
    rng.fillNormal(g)
    // Columns of the tall matrix, in Float64.
    var q = [[Double]](repeating: [Double](repeating: 0, count: tall), count: wide)
    for j in 0..<wide { for i in 0..<tall { q[j][i] = Double(g[i, j]) } }
    for j in 0..<wide {
        var rjj = 0.0
        for _ in 0..<2 {  // second pass restores orthogonality lost to rounding
            for p in 0..<j {
                var dot = 0.0
                for i in 0..<tall { dot += q[p][i] * q[j][i] }
                for i in 0..<tall { q[j][i] -= dot * q[p][i] }
            }
        }
        for i in 0..<tall { rjj += q[j][i] * q[j][i] }
        rjj = rjj.squareRoot()
        precondition(rjj > 0, "fillOrthogonal: degenerate normal draw")
        // Gram–Schmidt gives R's diagonal positive, which is the sign convention already.
        for i in 0..<tall { q[j][i] /= rjj }
    }
    for i in 0..<nIn {
        for j in 0..<nOut {
            let v = nIn >= nOut ? q[j][i] : q[i][j]
            kernel[i, j] = gain * Float(v)
        }
    }
}

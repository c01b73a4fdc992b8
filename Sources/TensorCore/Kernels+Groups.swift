/// Grouped kernels: a tensor `[G·K, d]` is read as `G` groups of `K` consecutive rows, each group
/// paired with one row of a per-group tensor `[G, …]` (a state and its K particles or posterior
/// samples). These are the reductions and broadcasts of the posterior estimator.
extension Kernels {
    /// `out[g·K + k] ← α[g]·x[g·K + k] + β[g]·r[g]` for rows of width d, with `K = x.rows / G`.
    /// `α`, `β` have G elements, `r` is `[G, d]`. In place on `x` is fine.
    @inlinable public static func groupAffine(_ x: Tensor, scale alpha: Tensor, shift r: Tensor, shiftScale beta: Tensor, into out: Tensor) {
        let g = r.rows, d = r.cols
        precondition(alpha.count == g && beta.count == g && x.cols == d && g > 0 && x.rows % g == 0,
                     "groupAffine: x \(x.shape), α \(alpha.count), r \(r.shape), β \(beta.count)")
        checkShape(x, out, "groupAffine")
        let k = x.rows / g
        if let device = device("groupAffine", x, alpha, r, beta, out) {
            device.launch("rfm_group_affine", elements: x.rows * d, .pointer(x.data), .pointer(alpha.data), .pointer(r.data),
                          .pointer(beta.data), .pointer(out.data), .int(g), .int(x.rows), .int(d))
            return
        }
        for gi in 0..<g {
            let a = alpha.data[gi], b = beta.data[gi], rr = r.data + gi * d
            for ki in 0..<k {
                let n = (gi * k + ki) * d
                let xs = x.data + n, os = out.data + n
                for j in 0..<d { os[j] = a * xs[j] + b * rr[j] }
            }
        }
    }

    /// `out[g] ← Σₖ w[g, k]·x[g·K + k]`: weighted sums of each group's rows. `w` is `[G, K]`,
    /// `x` is `[G·K, d]`, `out` is `[G, d]`.
    @inlinable public static func groupWeightedSum(_ w: Tensor, _ x: Tensor, into out: Tensor) {
        let g = w.rows, k = w.cols, d = x.cols
        precondition(x.rows == g * k && out.rows == g && out.cols == d,
                     "groupWeightedSum: w \(w.shape), x \(x.shape), out \(out.shape)")
        if let device = device("groupWeightedSum", w, x, out) {
            device.launch("rfm_group_weighted_sum", elements: g * d, .pointer(w.data), .pointer(x.data), .pointer(out.data), .int(g), .int(k), .int(d))
            return
        }
        for gi in 0..<g {
            let o = out.data + gi * d
            o.update(repeating: 0, count: d)
            for ki in 0..<k {
                let wk = w.data[gi * k + ki], xs = x.data + (gi * k + ki) * d
                for j in 0..<d { o[j] += wk * xs[j] }
            }
        }
    }

    /// `out[g·K + k] ← x[g·K + k] − rows[g]` (centering each group on its row). In place is fine.
    @inlinable public static func subtractGroupRows(_ x: Tensor, _ rows: Tensor, into out: Tensor) {
        let g = rows.rows, d = rows.cols
        precondition(x.cols == d && g > 0 && x.rows % g == 0, "subtractGroupRows: x \(x.shape), rows \(rows.shape)")
        checkShape(x, out, "subtractGroupRows")
        let k = x.rows / g
        if let device = device("subtractGroupRows", x, rows, out) {
            device.launch("rfm_subtract_group_rows", elements: x.rows * d, .pointer(x.data), .pointer(rows.data), .pointer(out.data), .int(g),
                          .int(x.rows), .int(d))
            return
        }
        for n in 0..<x.rows {
            let r = rows.data + (n / k) * d, xs = x.data + n * d, os = out.data + n * d
            for j in 0..<d { os[j] = xs[j] - r[j] }
        }
    }

    /// `out[i, j] ← v[i]`: each element of `v` `[G]` repeated across its row of `out` `[G, d]`.
    @inlinable public static func broadcastColumn(_ v: Tensor, into out: Tensor) {
        precondition(v.count == out.rows, "broadcastColumn: \(v.count) values for \(out.rows) rows")
        if let d = device("broadcastColumn", v, out) {
            d.launch("rfm_broadcast_column", elements: out.rows * out.cols, .pointer(v.data), .pointer(out.data), .int(out.rows), .int(out.cols))
            return
        }
        for i in 0..<out.rows { (out.data + i * out.cols).update(repeating: v.data[i], count: out.cols) }
    }

    /// `out[i, j] ← v[j]`: the vector `v` `[d]` in every row of `out` `[G, d]`.
    @inlinable public static func broadcastRow(_ v: Tensor, into out: Tensor) {
        precondition(v.count == out.cols, "broadcastRow: \(v.count) values for \(out.cols) columns")
        if let d = device("broadcastRow", v, out) {
            d.launch("rfm_broadcast_row", elements: out.rows * out.cols, .pointer(v.data), .pointer(out.data), .int(out.rows), .int(out.cols))
            return
        }
        for i in 0..<out.rows { (out.data + i * out.cols).update(from: v.data, count: out.cols) }
    }

    /// Adds row `g` of `rows` `[G, d]` to each row of group g of `x` `[G·K, d]`, in place
    /// (e.g. a state's share of a first layer added to each of its particles).
    @inlinable public static func addGroupRows(_ rows: Tensor, to x: Tensor) {
        let g = rows.rows, d = rows.cols
        precondition(x.cols == d && g > 0 && x.rows % g == 0, "addGroupRows: x \(x.shape), rows \(rows.shape)")
        let k = x.rows / g
        if let device = device("addGroupRows", rows, x) {
            device.launch("rfm_add_group_rows", elements: x.rows * d, .pointer(rows.data), .pointer(x.data), .int(g), .int(x.rows), .int(d))
            return
        }
        for n in 0..<x.rows {
            let r = rows.data + (n / k) * d, xs = x.data + n * d
            for j in 0..<d { xs[j] += r[j] }
        }
    }
}

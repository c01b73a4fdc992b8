import Foundation

extension Tensor {
    /// Sets every element to `value`.
    @inlinable public func fill(_ value: Float) {
        if let device {
            device.launch("rfm_fill", elements: count, .pointer(data), .float(value), .int(count))
        } else {
            data.update(repeating: value, count: count)
        }
    }

    /// Copies `other`'s elements (same shape) into this tensor, wherever each of them lives
    /// (between host and device, this is the upload or download).
    @inlinable public func assign(_ other: Tensor) {
        checkShape(self, other, "Tensor.assign")
        if device == nil && other.device == nil {
            data.update(from: other.data, count: count)
            return
        }
        if let a = device, let b = other.device, a !== b {
            preconditionFailure("Tensor.assign: from \(b.name) to \(a.name); go through the host")
        }
        let d = (device ?? other.device)!
        d.copy(count, from: other.data, onDevice: other.device != nil, to: data, onDevice: device != nil)
    }
}

extension Kernels {
    /// `out ← a + b` (in place is fine).
    @inlinable public static func add(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("add", "rfm_add", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = x[i] + y[i] }
    }

    /// `out ← a − b` (in place is fine).
    @inlinable public static func subtract(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("subtract", "rfm_subtract", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = x[i] - y[i] }
    }

    /// `out ← a ⊙ b`, the elementwise product (in place is fine).
    @inlinable public static func multiply(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("multiply", "rfm_multiply", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = x[i] * y[i] }
    }

    /// `y ← f(x)` elementwise for a small pointwise function (specialised and inlined at the
    /// call site). In place is fine.
    @inlinable public static func map(_ x: Tensor, into y: Tensor, _ f: (Float) -> Float) {
        requireHost("map", x, y)
        precondition(x.count == y.count, "map: \(x.count) inputs, \(y.count) outputs")
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] = f(p[i]) }
    }

    /// `out ← f(a, b)` elementwise (in place is fine).
    @inlinable public static func zipMap(_ a: Tensor, _ b: Tensor, into out: Tensor, _ f: (Float, Float) -> Float) {
        requireHost("zipMap", a, b, out)
        precondition(a.count == b.count && a.count == out.count, "zipMap: \(a.count), \(b.count), \(out.count) elements")
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = f(x[i], y[i]) }
    }

    /// Adds one view to another of the same size, in place on `y` (`y ← y + x`).
    @inlinable public static func add(_ x: MatrixRef, to y: MatrixRef) {
        precondition(x.rows == y.rows && x.cols == y.cols, "add(view): \(x.rows)×\(x.cols) to \(y.rows)×\(y.cols)")
        if let d = device("add(_:to:)", x, y) {
            d.launch("rfm_add_matrix", elements: x.rows * x.cols, .pointer(x.base), .int(x.stride), .pointer(y.base), .int(y.stride),
                     .int(x.rows), .int(x.cols))
            return
        }
        for i in 0..<x.rows {
            let xs = x.base + i * x.stride, ys = y.base + i * y.stride
            for j in 0..<x.cols { ys[j] += xs[j] }
        }
    }

    /// `out ← min(a, b)` elementwise (in place is fine).
    @inlinable public static func minimum(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        if launchedOnDevice("minimum", "rfm_minimum", a, b, into: out) { return }
        let x = a.data, y = b.data, z = out.data
        for i in 0..<a.count { z[i] = min(x[i], y[i]) }
    }

    /// `out ← min(max(a, −bound), bound)` elementwise, the projection onto the box `[−bound, bound]ᵈ`
    /// (in place is fine).
    @inlinable public static func clamp(_ a: Tensor, bound: Float, into out: Tensor) {
        precondition(bound >= 0, "clamp: negative bound \(bound)")
        if launchedOnDevice("clamp", "rfm_clamp", a, into: out, [.float(bound)]) { return }
        let x = a.data, z = out.data
        for i in 0..<a.count { z[i] = min(max(x[i], -bound), bound) }
    }

    /// The sinusoidal embedding of the scalars `x` `[n]` with frequencies `f` `[h]`:
    /// `out[r, :] = [sin(x_r·f₀) … sin(x_r·f_{h−1}), cos(x_r·f₀) … cos(x_r·f_{h−1})]` `[n, 2h]`.
    @inlinable public static func sinusoidalEmbedding(_ x: Tensor, frequencies f: Tensor, into out: Tensor) {
        let h = f.count
        precondition(out.rows == x.count && out.cols == 2 * h, "sinusoidalEmbedding: output \(out.shape) for \(x.count) inputs, \(h) frequencies")
        if let d = device("sinusoidalEmbedding", x, f, out) {
            d.launch("rfm_sinusoidal_embedding", elements: x.count * 2 * h, .pointer(x.data), .pointer(f.data), .pointer(out.data),
                     .int(x.count), .int(h))
            return
        }
        // Rows on all workers where there are enough of them (each row is computed alone).
        let n = x.count, workers = Parallel.isInsideRegion || n * h < 8192 ? 1 : min(Parallel.workers, n)
        if workers > 1 {
            Parallel.forEachWorker { w in sinusoidalRows((n * w / workers)..<(n * (w + 1) / workers), x, f, out) }
        } else {
            sinusoidalRows(0..<n, x, f, out)
        }
    }

    /// ``sinusoidalEmbedding(_:frequencies:into:)``'s rows `rows` on the CPU. A row whose input has
    /// the previous row's bits (a temperature, the same for every row) is a copy of it: the same
    /// numbers without the sines and cosines.
    @inlinable static func sinusoidalRows(_ rows: Range<Int>, _ x: Tensor, _ f: Tensor, _ out: Tensor) {
        let h = f.count
        for r in rows {
            let value = x.data[r], row = out.data + r * 2 * h
            if r > rows.lowerBound, value.bitPattern == x.data[r - 1].bitPattern {
                row.update(from: row - 2 * h, count: 2 * h)
                continue
            }
            for i in 0..<h {
                let a = value * f.data[i]
                row[i] = Foundation.sin(a)
                row[h + i] = Foundation.cos(a)
            }
        }
    }

    /// `out ← s · a` (in place is fine).
    @inlinable public static func scale(_ a: Tensor, by s: Float, into out: Tensor) {
        checkShape(a, out, "scale")
        if let d = device("scale", a, out) {
            d.launch("rfm_scale", elements: a.count, .pointer(a.data), .float(s), .pointer(out.data), .int(a.count))
            return
        }
        let x = a.data, z = out.data
        for i in 0..<a.count { z[i] = s * x[i] }
    }

    /// `out ← a·x + b·y` (in place on either is fine): a diffusion sampler's step.
    @inlinable public static func linearCombination(_ a: Float, _ x: Tensor, _ b: Float, _ y: Tensor, into out: Tensor) {
        checkShape(x, y, "linearCombination"); checkShape(x, out, "linearCombination")
        if let d = device("linearCombination", x, y, out) {
            d.launch("rfm_linear_combination", elements: x.count, .float(a), .pointer(x.data), .float(b), .pointer(y.data),
                     .pointer(out.data), .int(x.count))
            return
        }
        let p = x.data, q = y.data, z = out.data
        for i in 0..<x.count { z[i] = a * p[i] + b * q[i] }
    }

    /// `out ← (x − s·y)/q` (in place on either is fine): a diffusion's clean-sample prediction
    /// `x̂₀ = (x_t − √(1 − ᾱ)·ε)/√ᾱ`.
    @inlinable public static func scaledDifference(_ x: Tensor, minus s: Float, times y: Tensor, over q: Float, into out: Tensor) {
        scaledDifference(x, minus: s, times: y, factor: q, divides: true, into: out)
    }

    /// `out ← c·(x − s·y)` (in place on either is fine): the reference's ancestral step
    /// `(x − βₖ/√(1 − ᾱₖ)·ε)/√αₖ`, with `c = 1/√αₖ` as it computes it.
    @inlinable public static func scaledDifference(_ x: Tensor, minus s: Float, times y: Tensor, scaledBy c: Float, into out: Tensor) {
        scaledDifference(x, minus: s, times: y, factor: c, divides: false, into: out)
    }

    /// The one kernel behind both forms, `rfm_scaled_difference`, whose flag says which:
    /// `(x − s·y)/f` when `divides`, else `f·(x − s·y)`. The two round differently, so neither is
    /// written as the other (a division by q is not a product with 1/q).
    @inlinable static func scaledDifference(_ x: Tensor, minus s: Float, times y: Tensor, factor f: Float, divides: Bool, into out: Tensor) {
        checkShape(x, y, "scaledDifference"); checkShape(x, out, "scaledDifference")
        if let d = device("scaledDifference", x, y, out) {
            d.launch("rfm_scaled_difference", elements: x.count, .pointer(x.data), .float(s), .pointer(y.data), .float(f),
                     .int(divides ? 1 : 0), .pointer(out.data), .int(x.count))
            return
        }
        let p = x.data, r = y.data, z = out.data
        if divides {
            for i in 0..<x.count { z[i] = (p[i] - s * r[i]) / f }
        } else {
            for i in 0..<x.count { z[i] = f * (p[i] - s * r[i]) }
        }
    }

    /// `y ← y + α·x`.
    @inlinable public static func axpy(_ alpha: Float, _ x: Tensor, _ y: Tensor) {
        checkShape(x, y, "axpy")
        if let d = device("axpy", x, y) {
            d.launch("rfm_axpy", elements: x.count, .float(alpha), .pointer(x.data), .pointer(y.data), .int(x.count))
            return
        }
        let p = x.data, q = y.data
        for i in 0..<x.count { q[i] += alpha * p[i] }
    }

    /// `a ← α·a + β·b`, the in-place linear blend used by Polyak averaging.
    @inlinable public static func blend(_ a: Tensor, _ alpha: Float, _ b: Tensor, _ beta: Float) {
        checkShape(a, b, "blend")
        if let d = device("blend", a, b) {
            d.launch("rfm_blend", elements: a.count, .pointer(a.data), .float(alpha), .pointer(b.data), .float(beta), .int(a.count))
            return
        }
        let p = a.data, q = b.data
        for i in 0..<a.count { p[i] = alpha * p[i] + beta * q[i] }
    }

    /// Adds the vector `v` `[cols]` to every row of `m` `[rows, cols]` (bias broadcast), in place.
    @inlinable public static func addRowVector(_ v: Tensor, to m: Tensor) {
        precondition(v.count == m.cols, "addRowVector: vector of \(v.count) for \(m.cols) columns")
        if let d = device("addRowVector", v, m) {
            d.launch("rfm_add_row_vector", elements: m.rows * m.cols, .pointer(v.data), .pointer(m.data), .int(m.rows), .int(m.cols))
            return
        }
        let b = v.data
        if m.cols == 1 {   // one column (an output layer of width 1): one loop over the rows
            let b0 = b[0], x = m.data
            for i in 0..<m.rows { x[i] += b0 }
            return
        }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            for j in 0..<m.cols { row[j] += b[j] }
        }
    }

    /// Adds `v[i]` to every element of row `i` of `m` `[rows, cols]` (`v` has `rows` elements), in place.
    @inlinable public static func addColumnVector(_ v: Tensor, to m: Tensor) {
        precondition(v.count == m.rows, "addColumnVector: vector of \(v.count) for \(m.rows) rows")
        if let d = device("addColumnVector", v, m) {
            d.launch("rfm_add_column_vector", elements: m.rows * m.cols, .pointer(v.data), .pointer(m.data), .int(m.rows), .int(m.cols))
            return
        }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols, b = v.data[i]
            for j in 0..<m.cols { row[j] += b }
        }
    }

    /// Writes the row-wise concatenation `[a₁ | a₂ | …]` of blocks with equal row counts into
    /// `out` `[rows, Σ cols]`, e.g. the critic input `concat(s, a)`.
    @inlinable public static func concatColumns(_ parts: [Tensor], into out: Tensor) {
        var offset = 0
        for p in parts {
            precondition(p.rows == out.rows, "concatColumns: part has \(p.rows) rows, output \(out.rows)")
            copy(p.matrix, into: out.columns(offset..<(offset + p.cols)))
            offset += p.cols
        }
        precondition(offset == out.cols, "concatColumns: parts give \(offset) columns, output has \(out.cols)")
    }

    /// Two-block form of ``concatColumns(_:into:)`` that builds no array (hot paths).
    @inlinable public static func concatColumns(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        precondition(a.rows == out.rows && b.rows == out.rows && a.cols + b.cols == out.cols,
                     "concatColumns: \(a.shape) | \(b.shape) into \(out.shape)")
        copy(a.matrix, into: out.columns(0..<a.cols))
        copy(b.matrix, into: out.columns(a.cols..<out.cols))
    }

    /// Copies a (possibly strided) view into another view of the same size.
    @inlinable public static func copy(_ src: MatrixRef, into dst: MatrixRef) {
        if let d = device("copy", src, dst) {
            precondition(src.rows == dst.rows && src.cols == dst.cols, "copy: \(src.rows)×\(src.cols) into \(dst.rows)×\(dst.cols)")
            d.launch("rfm_copy_matrix", elements: src.rows * src.cols, .pointer(src.base), .int(src.stride), .pointer(dst.base),
                     .int(dst.stride), .int(src.rows), .int(src.cols))
            return
        }
        precondition(src.rows == dst.rows && src.cols == dst.cols,
                     "copy: \(src.rows)×\(src.cols) into \(dst.rows)×\(dst.cols)")
        for i in 0..<src.rows {
            (dst.base + i * dst.stride).update(from: src.base + i * src.stride, count: src.cols)
        }
    }

    /// Copies rows `indices[i]` of `src` into row `i` of `out` (gather, e.g. replay sampling or
    /// the resampled particle of each state).
    @inlinable public static func gatherRows(_ src: Tensor, _ indices: UnsafeBufferPointer<Int>, into out: Tensor) {
        requireHost("gatherRows", src, out)
        precondition(out.rows == indices.count && out.cols == src.cols, "gatherRows: output shape \(out.shape)")
        for (i, r) in indices.enumerated() {
            precondition(r >= 0 && r < src.rows, "gatherRows: index \(r) out of 0..<\(src.rows)")
            (out.data + i * out.cols).update(from: src.data + r * src.cols, count: src.cols)
        }
    }

    /// Repeats each row of `src` `[rows, cols]` `times` times into `out` `[rows·times, cols]`
    /// (row r lands in rows r·times ..< (r+1)·times), e.g. a state for each of its particles.
    @inlinable public static func repeatRows(_ src: Tensor, times: Int, into out: Tensor) {
        precondition(out.rows == src.rows * times && out.cols == src.cols, "repeatRows: output shape \(out.shape)")
        if let d = device("repeatRows", src, out) {
            d.launch("rfm_repeat_rows", elements: src.rows * times * src.cols, .pointer(src.data), .pointer(out.data), .int(src.rows),
                     .int(src.cols), .int(times))
            return
        }
        for r in 0..<src.rows {
            let from = src.data + r * src.cols
            for k in 0..<times { (out.data + (r * times + k) * src.cols).update(from: from, count: src.cols) }
        }
    }

    /// Whether every element is finite (no NaN or ±Inf).
    @inlinable public static func allFinite(_ a: Tensor) -> Bool {
        // A sum of squares in Float64 is finite exactly when every element is (the largest
        // finite square, ~1e77, times any realistic count stays below Float64's range).
        if let d = a.device { return d.reduce(.sumOfSquares(x: a.data, count: a.count)).isFinite }
        let x = a.data
        for i in 0..<a.count where !x[i].isFinite { return false }
        return true
    }
}

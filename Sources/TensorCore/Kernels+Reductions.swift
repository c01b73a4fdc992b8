import CVectorKernels
import Foundation

extension Kernels {
    /// Column sums: `v[j] ← Σᵢ m[i, j]` (`v` has `m.cols` elements), or `v[j] += …` when
    /// `accumulate` is set. This is the bias gradient of a dense layer.
    @inlinable public static func sumColumns(_ m: Tensor, into v: Tensor, accumulate: Bool = false) {
        precondition(v.count == m.cols, "sumColumns: output of \(v.count) for \(m.cols) columns")
        if let d = device("sumColumns", m, v) {
            d.launch("rfm_sum_columns", elements: m.cols, .pointer(m.data), .pointer(v.data), .int(m.rows), .int(m.cols), .int(accumulate ? 1 : 0))
            return
        }
        let out = v.data
        if !accumulate { out.update(repeating: 0, count: m.cols) }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            for j in 0..<m.cols { out[j] += row[j] }
        }
    }

    /// Row sums: `v[i] ← Σⱼ m[i, j]` (`v` has `m.rows` elements).
    @inlinable public static func sumRows(_ m: Tensor, into v: Tensor) {
        precondition(v.count == m.rows, "sumRows: output of \(v.count) for \(m.rows) rows")
        if launchedRowsOnDevice("sumRows", "rfm_sum_rows", m, into: v) { return }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            var s: Float = 0
            for j in 0..<m.cols { s += row[j] }
            v.data[i] = s
        }
    }

    /// Row maxima: `v[i] ← maxⱼ m[i, j]` (−∞ for an empty row).
    @inlinable public static func maxRows(_ m: Tensor, into v: Tensor) {
        precondition(v.count == m.rows, "maxRows: output of \(v.count) for \(m.rows) rows")
        if launchedRowsOnDevice("maxRows", "rfm_max_rows", m, into: v) { return }
        for i in 0..<m.rows { v.data[i] = rowMax(m.data + i * m.cols, m.cols) }
    }

    /// Index of the largest element of each row (the first one on ties).
    @inlinable public static func argmaxRows(_ m: Tensor, into indices: UnsafeMutableBufferPointer<Int>) {
        requireHost("argmaxRows", m)
        precondition(indices.count == m.rows, "argmaxRows: \(indices.count) outputs for \(m.rows) rows")
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            var best = 0
            for j in 1..<max(m.cols, 1) where row[j] > row[best] { best = j }
            indices[i] = best
        }
    }

    /// Stable row-wise log-sum-exp: `v[i] ← mᵢ + log Σⱼ exp(m[i, j] − mᵢ)` with `mᵢ` the row max,
    /// so entries of ±1e4 neither overflow nor underflow. A row of all −∞ gives −∞.
    @inlinable public static func logSumExpRows(_ m: Tensor, into v: Tensor) {
        precondition(v.count == m.rows, "logSumExpRows: output of \(v.count) for \(m.rows) rows")
        if launchedRowsOnDevice("logSumExpRows", "rfm_log_sum_exp_rows", m, into: v) { return }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            let top = rowMax(row, m.cols)
            if !top.isFinite { v.data[i] = top; continue }
            v.data[i] = top + Foundation.log(sumOfShiftedExponentials(row, m.cols, shift: top, store: nil))
        }
    }

    /// Row-wise softmax `out[i, j] ← exp(m[i, j] − mᵢ) / Σₖ exp(m[i, k] − mᵢ)`, max-shifted for
    /// stability (in place is fine).
    @inlinable public static func softmaxRows(_ m: Tensor, into out: Tensor) {
        checkShape(m, out, "softmaxRows")
        if launchedRowsOnDevice("softmaxRows", "rfm_softmax_rows", m, into: out) { return }
        for i in 0..<m.rows {
            let row = m.data + i * m.cols, o = out.data + i * m.cols
            let top = rowMax(row, m.cols)
            let inv = 1 / sumOfShiftedExponentials(row, m.cols, shift: top, store: o)
            for j in 0..<m.cols { o[j] *= inv }
        }
    }

    /// Row means and population standard deviations (two passes, so a large common offset does
    /// not cancel the spread): `mean[i] = (1/n) Σⱼ m[i, j]`, `std[i] = √((1/n) Σⱼ (m[i, j] − mean[i])²)`.
    @inlinable public static func meanAndStdRows(_ m: Tensor, mean: Tensor, std: Tensor) {
        precondition(mean.count == m.rows && std.count == m.rows, "meanAndStdRows: outputs for \(m.rows) rows")
        if let d = device("meanAndStdRows", m, mean, std) {
            d.launch("rfm_mean_std_rows", elements: m.rows, .pointer(m.data), .pointer(mean.data), .pointer(std.data), .int(m.rows), .int(m.cols))
            return
        }
        let n = Float(m.cols)
        for i in 0..<m.rows {
            let row = m.data + i * m.cols
            var s: Float = 0
            for j in 0..<m.cols { s += row[j] }
            let mu = s / n
            var v: Float = 0
            for j in 0..<m.cols { v += (row[j] - mu) * (row[j] - mu) }
            mean.data[i] = mu
            std.data[i] = (v / n).squareRoot()
        }
    }

    /// `Σ xᵢ²` over the whole tensor, accumulated in Float64 for an accurate norm.
    @inlinable public static func sumOfSquares(_ a: Tensor) -> Double {
        if let d = a.device {
            return d.reduce(.sumOfSquares(x: a.data, count: a.count))
        }
        let x = a.data
        var s: Double = 0
        for i in 0..<a.count { s += Double(x[i]) * Double(x[i]) }
        return s
    }

    /// `Σₜ Σᵢ xₜᵢ²` over several tensors (a global gradient norm), each tensor's sum in Float64
    /// as ``sumOfSquares(_:)`` and the tensors' sums added in order; on a device the host waits
    /// once for all of them.
    public static func sumOfSquares(_ tensors: [Tensor]) -> Double {
        guard let d = tensors.first?.device else {
            guard tensors.allSatisfy({ $0.device == nil }) else { return tensors.reduce(0) { $0 + sumOfSquares($1) } }
            return hostSumsOfSquares(tensors).reduce(0, +)
        }
        for t in tensors where t.device !== d { mixedLocations("sumOfSquares", d, t.device) }
        return d.reduce(tensors.map { .sumOfSquares(x: $0.data, count: $0.count) }).reduce(0, +)
    }

    /// Each host tensor's ``sumOfSquares(_:)``, the same numbers, with several tensors' sums (each
    /// one chain of additions) interleaved in C.
    static func hostSumsOfSquares(_ tensors: [Tensor]) -> [Double] {
        let pointers = tensors.map { UnsafePointer<Float>?($0.data) }, counts = tensors.map(\.count)
        var sums = [Double](repeating: 0, count: tensors.count)
        rfm_vk_sums_of_squares(pointers, counts, tensors.count, &sums)
        return sums
    }

    /// `Σᵢ xₜᵢ` of each tensor (several metrics at once; on a device one wait for all).
    public static func sums(_ tensors: [Tensor]) -> [Double] {
        guard let d = tensors.first?.device else { return tensors.map { sum($0) } }
        for t in tensors where t.device !== d { mixedLocations("sums", d, t.device) }
        return d.reduce(tensors.map { .sum(x: $0.data, count: $0.count) })
    }

    /// `Σ xᵢ` over the whole tensor, accumulated in Float64.
    @inlinable public static func sum(_ a: Tensor) -> Double {
        if let d = a.device {
            return d.reduce(.sum(x: a.data, count: a.count))
        }
        let x = a.data
        var s: Double = 0
        for i in 0..<a.count { s += Double(x[i]) }
        return s
    }

    /// Mean squared difference `(1/n) Σ (aᵢ − bᵢ)²`, accumulated in Float64.
    @inlinable public static func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Double {
        checkShape(a, b, "meanSquaredError")
        if let d = device("meanSquaredError", a, b) {
            return a.count == 0 ? 0 : d.reduce(.sumOfSquaredDifferences(a: a.data, b: b.data, count: a.count)) / Double(a.count)
        }
        let x = a.data, y = b.data
        var s: Double = 0
        for i in 0..<a.count {
            let d = Double(x[i]) - Double(y[i])
            s += d * d
        }
        return a.count == 0 ? 0 : s / Double(a.count)
    }

    /// `Σⱼ exp(row[j] − shift)`, vectorised; the terms are also written to `store` when given.
    @inlinable static func sumOfShiftedExponentials(_ row: UnsafeMutablePointer<Float>, _ n: Int, shift: Float,
                                                    store: UnsafeMutablePointer<Float>?) -> Float {
        var acc = Lanes()
        var i = 0
        while i + 8 <= n {
            let e = exp(UnsafeRawPointer(row + i).loadUnaligned(as: Lanes.self) - shift)
            if let store { UnsafeMutableRawPointer(store + i).storeBytes(of: e, as: Lanes.self) }
            acc += e
            i += 8
        }
        var total = acc.sum()
        while i < n {
            let e = exp(Lanes(repeating: row[i] - shift))[0]
            store?[i] = e
            total += e
            i += 1
        }
        return total
    }

    @usableFromInline static func rowMax(_ row: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var top = -Float.infinity
        for j in 0..<n where row[j] > top { top = row[j] }
        return top
    }
}

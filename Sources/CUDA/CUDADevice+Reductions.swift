import Foundation

/// The estimator's reductions, the group kernels, random numbers and the embedding on the GPU.
/// Shapes and formulas are those of the CPU kernels named in each comment (`TensorCore.Kernels`,
/// `RandomStream`, `SinusoidalEmbedding`).
extension CUDADevice {
    /// `v[i] ← Σⱼ m[i, j]` (`Kernels.sumRows`).
    public func sumRows(_ m: DeviceBuffer, rows: Int, cols: Int, into v: DeviceBuffer) throws {
        try rowReduction(DeviceKernels.sumRows, m, rows, cols, v)
    }

    /// `v[i] ← maxⱼ m[i, j]` (`Kernels.maxRows`).
    public func maxRows(_ m: DeviceBuffer, rows: Int, cols: Int, into v: DeviceBuffer) throws {
        try rowReduction(DeviceKernels.maxRows, m, rows, cols, v)
    }

    /// Stable row log-sum-exp (`Kernels.logSumExpRows`).
    public func logSumExpRows(_ m: DeviceBuffer, rows: Int, cols: Int, into v: DeviceBuffer) throws {
        try rowReduction(DeviceKernels.logSumExpRows, m, rows, cols, v)
    }

    /// Row softmax (`Kernels.softmaxRows`); `out` is `[rows, cols]`.
    public func softmaxRows(_ m: DeviceBuffer, rows: Int, cols: Int, into out: DeviceBuffer) throws {
        guard m.count >= rows * cols && out.count >= rows * cols else { throw CUDAError("softmaxRows: buffers too small") }
        try launch(DeviceKernels.softmaxRows, elements: rows, [.address(m), .address(out), .int(rows), .int(cols)])
    }

    private func rowReduction(_ kernel: String, _ m: DeviceBuffer, _ rows: Int, _ cols: Int, _ v: DeviceBuffer) throws {
        guard m.count >= rows * cols && v.count >= rows else { throw CUDAError("\(kernel): buffers too small for \(rows)×\(cols)") }
        try launch(kernel, elements: rows, [.address(m), .address(v), .int(rows), .int(cols)])
    }

    /// Row means and population standard deviations (`Kernels.meanAndStdRows`).
    public func meanAndStdRows(_ m: DeviceBuffer, rows: Int, cols: Int, mean: DeviceBuffer, std: DeviceBuffer) throws {
        guard m.count >= rows * cols && mean.count >= rows && std.count >= rows else { throw CUDAError("meanAndStdRows: buffers too small") }
        try launch(DeviceKernels.meanStdRows, elements: rows, [.address(m), .address(mean), .address(std), .int(rows), .int(cols)])
    }

    /// The index of the largest element of each row, the first on ties (`Kernels.argmaxRows`).
    public func argmaxRows(_ m: DeviceBuffer, rows: Int, cols: Int) throws -> [Int] {
        guard m.count >= rows * cols else { throw CUDAError("argmaxRows: buffer too small") }
        let indices = try DeviceBuffer(device: self, count: 2 * max(rows, 1))
        try launch(DeviceKernels.argmaxRows, elements: rows, [.address(m), .address(indices), .int(rows), .int(cols)])
        return try downloadInt64(indices, count: rows)
    }

    /// `out[gK + k] ← α[g]·x[gK + k] + β[g]·r[g]` (`Kernels.groupAffine`); `x`, `out` `[n, d]`, `r` `[G, d]`.
    public func groupAffine(_ x: DeviceBuffer, scale alpha: DeviceBuffer, shift r: DeviceBuffer, shiftScale beta: DeviceBuffer,
                            into out: DeviceBuffer, groups: Int, rows n: Int, cols d: Int) throws {
        guard groups > 0, n % groups == 0, x.count >= n * d, out.count >= n * d, r.count >= groups * d,
              alpha.count >= groups, beta.count >= groups else { throw CUDAError("groupAffine: shapes do not fit the buffers") }
        try launch(DeviceKernels.groupAffine, elements: n * d,
                   [.address(x), .address(alpha), .address(r), .address(beta), .address(out), .int(groups), .int(n), .int(d)])
    }

    /// `out[g] ← Σₖ w[g, k]·x[gK + k]` (`Kernels.groupWeightedSum`); `w` `[G, K]`, `x` `[G·K, d]`.
    public func groupWeightedSum(_ w: DeviceBuffer, _ x: DeviceBuffer, into out: DeviceBuffer, groups: Int, perGroup k: Int, cols d: Int) throws {
        guard w.count >= groups * k, x.count >= groups * k * d, out.count >= groups * d else {
            throw CUDAError("groupWeightedSum: shapes do not fit the buffers")
        }
        try launch(DeviceKernels.groupWeightedSum, elements: groups * d,
                   [.address(w), .address(x), .address(out), .int(groups), .int(k), .int(d)])
    }

    /// `out[gK + k] ← x[gK + k] − rows[g]` (`Kernels.subtractGroupRows`).
    public func subtractGroupRows(_ x: DeviceBuffer, _ rows: DeviceBuffer, into out: DeviceBuffer, groups: Int, rowsOfX n: Int, cols d: Int) throws {
        guard groups > 0, n % groups == 0, x.count >= n * d, out.count >= n * d, rows.count >= groups * d else {
            throw CUDAError("subtractGroupRows: shapes do not fit the buffers")
        }
        try launch(DeviceKernels.subtractGroupRows, elements: n * d,
                   [.address(x), .address(rows), .address(out), .int(groups), .int(n), .int(d)])
    }

    /// `out[i, :] ← v[i]` (`Kernels.broadcastColumn`).
    public func broadcastColumn(_ v: DeviceBuffer, into out: DeviceBuffer, rows: Int, cols: Int) throws {
        guard v.count >= rows && out.count >= rows * cols else { throw CUDAError("broadcastColumn: buffers too small") }
        try launch(DeviceKernels.broadcastColumn, elements: rows * cols, [.address(v), .address(out), .int(rows), .int(cols)])
    }

    /// `out[i, :] ← src[indices[i], :]` (`Kernels.gatherRows`); indices are checked here.
    public func gatherRows(_ src: DeviceBuffer, rows: Int, cols: Int, indices: [Int], into out: DeviceBuffer) throws {
        guard src.count >= rows * cols, out.count >= indices.count * cols, indices.allSatisfy({ (0..<rows).contains($0) }) else {
            throw CUDAError("gatherRows: an index is outside 0..<\(rows), or the buffers are too small")
        }
        let device = try uploadInt64(indices)
        try launch(DeviceKernels.gatherRows, elements: indices.count * cols,
                   [.address(src), .address(device), .address(out), .int(indices.count), .int(cols)])
    }

    /// `Σ xᵢ²` over `x`, partial sums in Float64 on the GPU added on the host (`Kernels.sumOfSquares`).
    public func sumOfSquares(_ x: DeviceBuffer) throws -> Double {
        let threads = 256, blocks = min((x.count + threads - 1) / threads, 1024)
        let partial = try DeviceBuffer(device: self, count: 2 * max(blocks * threads, 1))
        try launch(DeviceKernels.sumOfSquaresPartial, elements: x.count, blocks: blocks, [.address(x), .address(partial), .int(x.count)])
        var raw = [Float](repeating: 0, count: 2 * blocks * threads)
        try raw.withUnsafeMutableBufferPointer { try partial.download(into: $0) }
        return raw.withUnsafeBytes { $0.bindMemory(to: Double.self).reduce(0, +) }
    }

    /// `count` uniforms in `[low, high)` from block `position` of the Philox stream (seed, stream),
    /// as `RandomStream.fillUniform` draws them; the caller advances its stream by ⌈count/4⌉ blocks.
    public func fillUniform(_ out: DeviceBuffer, count: Int, low: Float, high: Float,
                            seed: UInt64, stream: UInt64, position: UInt64) throws {
        guard out.count >= count else { throw CUDAError("fillUniform: buffer of \(out.count) for \(count) values") }
        try launch(DeviceKernels.fillUniform, elements: (count + 3) / 4,
                   [.address(out), .int(count), .float(low), .float(high - low), .word(seed), .word(stream), .word(position)])
    }

    /// `count` normals `N(mean, std²)` as `RandomStream.fillNormal` draws them (see ``fillUniform``).
    public func fillNormal(_ out: DeviceBuffer, count: Int, mean: Float, std: Float,
                           seed: UInt64, stream: UInt64, position: UInt64) throws {
        guard out.count >= count else { throw CUDAError("fillNormal: buffer of \(out.count) for \(count) values") }
        try launch(DeviceKernels.fillNormal, elements: (count + 3) / 4,
                   [.address(out), .int(count), .float(mean), .float(std), .word(seed), .word(stream), .word(position)])
    }

    /// One draw per row with probability `softmax(row)`, row i using block `position + i`
    /// (`RandomStream.categorical`); the caller advances its stream by `rows` blocks.
    public func categorical(logits: DeviceBuffer, rows: Int, cols: Int, seed: UInt64, stream: UInt64, position: UInt64) throws -> [Int] {
        guard logits.count >= rows * cols else { throw CUDAError("categorical: buffer too small") }
        let indices = try DeviceBuffer(device: self, count: 2 * max(rows, 1))
        try launch(DeviceKernels.categorical, elements: rows,
                   [.address(logits), .address(indices), .int(rows), .int(cols), .word(seed), .word(stream), .word(position)])
        return try downloadInt64(indices, count: rows)
    }

    /// `out[r] ← [sin(x[r]·fᵢ)…, cos(x[r]·fᵢ)…]` (`SinusoidalEmbedding.forward`), `f` its `half` frequencies.
    public func sinusoidalEmbedding(_ x: DeviceBuffer, count n: Int, frequencies f: DeviceBuffer, half: Int, into out: DeviceBuffer) throws {
        guard x.count >= n, f.count >= half, out.count >= n * 2 * half else { throw CUDAError("sinusoidalEmbedding: buffers too small") }
        try launch(DeviceKernels.sinusoidalEmbedding, elements: n * 2 * half,
                   [.address(x), .address(f), .address(out), .int(n), .int(half)])
    }

    /// 64-bit integers to a new GPU buffer (as twice as many floats' worth of bytes).
    private func uploadInt64(_ values: [Int]) throws -> DeviceBuffer {
        let buffer = try DeviceBuffer(device: self, count: 2 * max(values.count, 1))
        let words = values.map { Int64($0) }
        try words.withUnsafeBytes { raw in try buffer.upload(raw.bindMemory(to: Float.self)) }
        return buffer
    }

    private func downloadInt64(_ buffer: DeviceBuffer, count: Int) throws -> [Int] {
        var raw = [Float](repeating: 0, count: 2 * count)
        try raw.withUnsafeMutableBufferPointer { try buffer.download(into: $0) }
        return raw.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)).map { Int($0) } }
    }
}
